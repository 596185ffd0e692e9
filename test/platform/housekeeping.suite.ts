import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModuleName } from '../../src/platform/kernel/config.js';
import { checkout, countBy, createProduct } from '../orders/orders.fixtures.js';
import { eventually } from '../support/eventually.js';
import { moduleKnex } from '../support/module-db.js';
import { uniqueRedisPrefix } from '../support/services.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import type { BackendFactory } from '../support/backends.js';

/** Tables that only serve delivery and deduplication, per module: housekeeping keeps them bounded. */
const HOUSEKEEPING: Array<[ModuleName, string]> = [
  ['users', 'outbox'],
  ['orders', 'outbox'],
  ['payments', 'outbox'],
  ['notifications', 'inbox'],
];

/**
 * Housekeeping with retentions of seconds (API.md "Catalog and data at scale"): checkouts, cancels
 * and their notifications, the consumer restarted in the middle (events waiting in Redis meanwhile),
 * then every housekeeping table empties and every event still has exactly one effect.
 */
export function describeHousekeeping(label: string, backend: BackendFactory): void {
  describe(`housekeeping on ${label}`, () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'housekeeping-'));
    const redis = uniqueRedisPrefix('housekeeping');
    let env: Record<string, string>;
    let cleanup: () => Promise<void>;
    let shop: TestShop;

    beforeAll(async () => {
      const setup = await backend();
      cleanup = setup.cleanup;
      env = {
        ...setup.env,
        DATA_DIR: dataDir,
        EVENT_BUS: 'bullmq',
        BULLMQ_PREFIX: redis.prefix,
        OUTBOX_RETENTION: '1',
        INBOX_RETENTION: '2',
      };
      shop = await startTestShop(env);
    });
    afterAll(async () => {
      await shop?.stop();
      await redis.cleanup();
      await cleanup?.();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const rows = (module: ModuleName, table: string) =>
      moduleKnex(
        shop,
        module,
      )(table)
        .count({ n: '*' })
        .then(([row]) => Number(row.n));

    it('empties outbox, inbox and released reservations, and leaves one notification per event', async () => {
      const admin = await shop.adminToken();
      const products = [
        await createProduct(shop, admin, { stock: 500 }),
        await createProduct(shop, admin, { stock: 500 }),
      ];
      const customers = [await shop.customer(), await shop.customer()];
      const orders: { id: string; token: string }[] = [];
      const shopAround = async (count: number) => {
        for (let i = 0; i < count; i++) {
          const { token } = customers[i % 2];
          const line = { productId: products[i % 2], quantity: 1 + (i % 3) };
          const response = await checkout(shop, token, [line], { key: `k-${orders.length}` });
          expect(response.status, JSON.stringify(response.body)).toBe(201);
          orders.push({ id: response.body.id, token });
        }
      };
      await shopAround(20);
      // The consumer (the whole process) restarts while events may still wait in Redis.
      await shop.stop();
      shop = await startTestShop(env);
      await shopAround(20);
      for (const order of orders.slice(0, 6)) {
        const cancelled = await shop.request('POST', `/api/v1/orders/${order.id}/cancel`, { token: order.token });
        expect(cancelled.status).toBe(200);
      }
      for (const [module, table] of HOUSEKEEPING)
        await eventually(`${module}.${table} empty`, () => rows(module, table), {
          until: (n) => n === 0,
          timeoutMs: 30_000,
        });
      // Released reservations go; committed ones stay, for a cancel to give their units back.
      for (const table of ['reservations', 'reservation_lines'])
        await eventually(`catalog.${table} down to the 34 orders still confirmed`, () => rows('catalog', table), {
          until: (n) => n === 34,
          timeoutMs: 30_000,
        });

      const notifications = await moduleKnex(
        shop,
        'notifications',
      )('notifications').select('template', 'order_id', 'user_id');
      const perOrder = countBy(notifications.filter((n) => n.order_id).map((n) => `${n.template}:${n.order_id}`));
      expect([...perOrder.values()].every((count) => count === 1)).toBe(true);
      expect(notifications.filter((n) => n.template === 'order_confirmed')).toHaveLength(40);
      expect(notifications.filter((n) => n.template === 'order_cancelled')).toHaveLength(6);
      // One welcome per account: the two customers and the bootstrap admin.
      const welcomes = countBy(notifications.filter((n) => n.template === 'welcome').map((n) => n.user_id));
      expect([...welcomes.values()]).toEqual([1, 1, 1]);
      expect(await rows('users', 'users')).toBe(3);
      // Business records stay: every order, and the stock the cancels gave back.
      expect(await rows('orders', 'orders')).toBe(40);
      const sold = (await moduleKnex(shop, 'orders')('orders').where('status', 'confirmed').select('items'))
        .flatMap((order) => JSON.parse(order.items) as { quantity: number }[])
        .reduce((sum, line) => sum + line.quantity, 0);
      const stock = await moduleKnex(shop, 'catalog')('products').whereIn('id', products).sum({ n: 'stock' });
      expect(1000 - Number(stock[0].n)).toBe(sold);

      const metrics = (await shop.request('GET', '/metrics')).body as string;
      for (const [module, table] of [
        ['orders', 'outbox'],
        ['notifications', 'inbox'],
        ['catalog', 'reservations'],
      ])
        expect(metrics).toMatch(
          new RegExp(`shop_housekeeping_deleted_rows_total\\{module="${module}",table="${table}"\\} [1-9]`),
        );
    }, 120_000);
  });
}
