import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_API } from '../../src/modules/catalog/contract/catalog.contract.js';
import { eventually } from '../support/eventually.js';
import { moduleKnex } from '../support/module-db.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import type { BackendFactory } from '../support/backends.js';
import { orderId, outcome } from './helpers.js';

/** The background release of holds nobody committed within RESERVATION_TTL (1 s here), on one database backend. */
export function describeSweeper(label: string, backend: BackendFactory): void {
  describe(`reservation sweeper on ${label}`, () => {
    const TTL = 1000;
    let shop: TestShop;
    let cleanup: () => Promise<void>;
    let admin: string;
    const api = () => shop.host.container.resolve(CATALOG_API);
    const stockOf = async (id: string) => (await shop.request('GET', `/api/v1/products/${id}`)).body.stock as number;
    const createProduct = async (stock: number) =>
      (
        await shop.request('POST', '/api/v1/products', {
          token: admin,
          body: { sku: `SW-${randomUUID()}`, name: 'Swept', priceCents: 100, currency: 'USD', stock },
        })
      ).body.id as string;

    beforeAll(async () => {
      const setup = await backend();
      cleanup = setup.cleanup;
      shop = await startTestShop({ ...setup.env, RESERVATION_TTL: String(TTL) });
      admin = await shop.adminToken();
    });
    afterAll(async () => {
      await shop?.stop();
      await cleanup?.();
    });

    it('releases a hold nobody committed within RESERVATION_TTL, and leaves committed ones alone', async () => {
      const id = await createProduct(5);
      const [lapsing, sold] = [orderId(), orderId()];
      const started = Date.now();
      await api().reserve({ orderId: lapsing, lines: [{ productId: id, quantity: 2 }] });
      await api().reserve({ orderId: sold, lines: [{ productId: id, quantity: 1 }] });
      await api().commitReservation({ orderId: sold });
      expect(await stockOf(id)).toBe(2);

      expect(
        await eventually('the lapsed hold to be released', async () => (await stockOf(id)) === 4, {
          timeoutMs: 5 * TTL,
          everyMs: 50,
          onTimeout: 'return',
        }),
      ).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(TTL - 50);
      expect(await outcome(api().commitReservation({ orderId: lapsing }))).toBe('invalid_state');
      expect(await api().commitReservation({ orderId: sold })).toEqual({ orderId: sold, status: 'committed' });
      await new Promise((resolve) => setTimeout(resolve, TTL / 2));
      expect(await stockOf(id)).toBe(4);
    });

    it('lets each lapsed hold end either committed or released when commits race the sweeper', async () => {
      const id = await createProduct(30);
      const orders = Array.from({ length: 30 }, orderId);
      await Promise.all(
        orders.map((order) => api().reserve({ orderId: order, lines: [{ productId: id, quantity: 1 }] })),
      );
      expect(await stockOf(id)).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, TTL - 100));
      const results: string[] = [];
      for (const order of orders) {
        results.push(await outcome(api().commitReservation({ orderId: order })));
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const committed = results.filter((r) => r === 'ok').length;
      expect(committed + results.filter((r) => r === 'invalid_state').length).toBe(30);
      expect(
        await eventually('every uncommitted hold to be released', async () => (await stockOf(id)) === 30 - committed, {
          timeoutMs: 5 * TTL,
          everyMs: 50,
          onTimeout: 'return',
        }),
      ).toBe(true);
      const statuses = await moduleKnex(shop, 'catalog')('reservations').whereIn('order_id', orders).select('status');
      expect(statuses.filter((row: { status: string }) => row.status === 'committed')).toHaveLength(committed);
      expect(statuses.filter((row: { status: string }) => row.status === 'released')).toHaveLength(30 - committed);
    });
  });
}
