import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkout, createProduct } from '../orders/orders.fixtures.js';
import { recordStatements } from '../support/statement-recorder.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import type { BackendFactory } from '../support/backends.js';
import { postgresFullScans, sqliteFullScans } from './query-plans.js';
import { seedLargeTables } from './query-plans.seed.js';

/**
 * Every statement the shop runs while serving its lists and doing its background work, EXPLAINed
 * against tables of tens of thousands of rows: none may read a large table whole (API.md "Catalog
 * and data at scale": lists stay index-served as they grow).
 */
export function describeQueryPlans(label: string, backend: BackendFactory): void {
  describe(`query plans on ${label}`, () => {
    let shop: TestShop;
    let cleanup: () => Promise<void>;
    let databaseUrl: string | undefined;
    const recorder = recordStatements();

    beforeAll(async () => {
      const setup = await backend();
      cleanup = setup.cleanup;
      databaseUrl = setup.env.DATABASE_URL;
      // Short retention and TTL: housekeeping, the reservation sweeper and the relays all run within the recording.
      shop = await startTestShop({
        ...setup.env,
        OUTBOX_RETENTION: '1',
        INBOX_RETENTION: '2',
        RESERVATION_TTL: '2000',
      });
      await seedLargeTables(shop);
      if (databaseUrl) for (const module of shop.host.modules.values()) await module.db.knex.raw('ANALYZE');
    }, 180_000);
    afterAll(async () => {
      recorder.stop();
      await shop?.stop();
      await cleanup?.();
    });

    it('serves every list, search, view and background query from an index', async () => {
      const admin = await shop.adminToken();
      const customer = await shop.customer();
      const product = await createProduct(shop, admin, { stock: 50 });
      const orders: string[] = [];
      for (let i = 0; i < 3; i++)
        orders.push((await checkout(shop, customer.token, [{ productId: product, quantity: 1 }])).body.id);
      const get = async (path: string, token?: string) => {
        const response = await shop.request('GET', path, { token });
        expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(200);
        return response.body;
      };
      const pages = async (path: string, token?: string) => {
        const first = await get(`${path}${path.includes('?') ? '&' : '?'}limit=1`, token);
        if (first.nextCursor)
          await get(`${path}${path.includes('?') ? '&' : '?'}limit=1&cursor=${first.nextCursor}`, token);
      };
      await recorder.during(async () => {
        for (const path of [
          '/api/v1/products',
          '/api/v1/products?q=widget',
          '/api/v1/products?q=wi',
          '/api/v1/products?q=seed-0001',
        ])
          await pages(path);
        await get(`/api/v1/products/${product}`);
        await pages('/api/v1/orders', customer.token);
        await pages('/api/v1/notifications', customer.token);
        await get(`/api/v1/orders/${orders[0]}`, admin);
        await get('/api/v1/console/resilience', admin);
        const body = { products: [{ sku: 'PLAN-1', name: 'Plan one', priceCents: 1, currency: 'USD', stock: 1 }] };
        expect((await shop.request('POST', '/api/v1/products/batch', { token: admin, body })).status).toBe(201);
        await shop.request('POST', `/api/v1/orders/${orders[1]}/cancel`, { token: customer.token });
        // Relays, housekeeping (every second here), the sweeper, recovery and retries run meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 3000));
      });
      const recorded = recorder.statements.map((statement) => statement.sql).join('\n');
      // The recording saw the searches and the housekeeping it is meant to check.
      const sqliteOnly = databaseUrl ? [] : ['products_search', 'products_words'];
      for (const table of ['idempotency_keys', 'inbox', 'reservations', ...sqliteOnly])
        expect(recorded, `a statement on ${table}`).toMatch(new RegExp(`\\b${table}\\b`));
      const scans = databaseUrl
        ? await postgresFullScans(databaseUrl, recorder.statements)
        : sqliteFullScans(recorder.statements);
      expect(scans).toEqual([]);
    }, 120_000);
  });
}
