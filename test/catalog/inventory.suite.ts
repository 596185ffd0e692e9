import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CatalogApi, catalogContract, CATALOG_API } from '../../src/modules/catalog/contract/catalog.contract.js';
import { AppError } from '../../src/platform/kernel/errors.js';
import { createMetrics } from '../../src/platform/telemetry/metrics.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { createContractClient } from '../../src/platform/rpc/contract-client.js';
import { createServiceTokens } from '../../src/platform/rpc/service-token.js';
import { moduleKnex } from '../support/module-db.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import type { BackendFactory } from '../support/backends.js';
import { orderId, outcome, pool } from './helpers.js';

const SECRET = 'catalog-test-internal-token-secret-0123456789';

/** The inventory half of the catalog contract (reservations), in process and over HTTP, on one database backend. */
export function describeInventory(label: string, backend: BackendFactory): void {
  describe(`catalog inventory on ${label}`, () => {
    let shop: TestShop;
    let cleanup: () => Promise<void>;
    let admin: string;
    let remote: CatalogApi;
    const apis: Record<'in-process' | 'over HTTP', () => CatalogApi> = {
      'in-process': () => shop.host.container.resolve(CATALOG_API),
      'over HTTP': () => remote,
    };

    const createProduct = async (stock: number) => {
      const sku = `INV-${randomUUID()}`;
      const response = await shop.request('POST', '/api/v1/products', {
        token: admin,
        body: { sku, name: `Item ${sku}`, priceCents: 500, currency: 'USD', stock },
      });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body.id as string;
    };
    const stockOf = async (id: string) => (await shop.request('GET', `/api/v1/products/${id}`)).body.stock as number;
    const knex = () => moduleKnex(shop, 'catalog');

    beforeAll(async () => {
      const setup = await backend();
      cleanup = setup.cleanup;
      shop = await startTestShop({ ...setup.env, INTERNAL_TOKEN_SECRET: SECRET });
      admin = await shop.adminToken();
      // A generous timeout: these tests are about correctness, and a loaded CI machine with fsync on
      // every PostgreSQL commit can take seconds to serve 200 reserves of one hot row.
      remote = createContractClient(catalogContract, [shop.url], {
        logger: createLogger('silent'),
        metrics: createMetrics(),
        serviceTokens: createServiceTokens(SECRET),
        timeoutMs: 30_000,
      }).api;
    });
    afterAll(async () => {
      await shop?.stop();
      await cleanup?.();
    });

    describe.each(Object.keys(apis) as (keyof typeof apis)[])('the contract %s', (via) => {
      const api = () => apis[via]();

      it('holds exactly 50 of 200 concurrent single-unit reserves for a stock of 50', async () => {
        const id = await createProduct(50);
        const orders = Array.from({ length: 200 }, orderId);
        const results = await Promise.all(
          orders.map((order) => outcome(api().reserve({ orderId: order, lines: [{ productId: id, quantity: 1 }] }))),
        );
        expect(results.filter((r) => r === 'ok')).toHaveLength(50);
        expect(results.filter((r) => r === 'out_of_stock')).toHaveLength(150);
        expect(await stockOf(id)).toBe(0);
        expect((await api().getProducts({ ids: [id] })).products[0].stock).toBe(0);
        const held = await knex()('reservations').whereIn('order_id', orders).select('order_id', 'status');
        expect(held).toHaveLength(50);
        expect(held.every((row: { status: string }) => row.status === 'held')).toBe(true);
        const units = await knex()('reservation_lines').whereIn('order_id', orders).sum({ n: 'quantity' });
        expect(Number(units[0].n)).toBe(50);
      });

      it('takes nothing from a cart {A×2, B×1} when B is out of stock', async () => {
        const [a, b] = [await createProduct(5), await createProduct(0)];
        const order = orderId();
        expect(
          await outcome(
            api().reserve({
              orderId: order,
              lines: [
                { productId: a, quantity: 2 },
                { productId: b, quantity: 1 },
              ],
            }),
          ),
        ).toBe('out_of_stock');
        expect(await stockOf(a)).toBe(5);
        expect(await stockOf(b)).toBe(0);
        expect(await knex()('reservations').where('order_id', order)).toHaveLength(0);
        // Nothing was held, so the order may simply try again once B is back.
        await shop.request('POST', `/api/v1/products/${b}/restock`, { token: admin, body: { quantity: 1 } });
        expect(
          await api().reserve({
            orderId: order,
            lines: [
              { productId: a, quantity: 2 },
              { productId: b, quantity: 1 },
            ],
          }),
        ).toEqual({ orderId: order, status: 'held' });
        expect([await stockOf(a), await stockOf(b)]).toEqual([3, 0]);
      });

      it('rejects a cart with an unknown product (unknown_product), taking nothing, even when another line is short', async () => {
        const a = await createProduct(5);
        const missing = randomUUID();
        const error = await api()
          .reserve({
            orderId: orderId(),
            lines: [
              { productId: a, quantity: 1 },
              { productId: missing, quantity: 1 },
            ],
          })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('unknown_product');
        expect(
          await outcome(
            api().reserve({
              orderId: orderId(),
              lines: [
                { productId: a, quantity: 9 },
                { productId: missing, quantity: 1 },
              ],
            }),
          ),
        ).toBe('unknown_product');
        expect(await stockOf(a)).toBe(5);
      });

      it('takes stock once for the same orderId, sequentially or concurrently', async () => {
        const id = await createProduct(10);
        const order = orderId();
        const lines = [{ productId: id, quantity: 2 }];
        expect(await api().reserve({ orderId: order, lines })).toEqual({ orderId: order, status: 'held' });
        expect(await api().reserve({ orderId: order, lines })).toEqual({ orderId: order, status: 'held' });
        expect(await stockOf(id)).toBe(8);
        const concurrentOrder = orderId();
        const results = await Promise.all(
          Array.from({ length: 20 }, () => api().reserve({ orderId: concurrentOrder, lines })),
        );
        expect(results.every((r) => r.status === 'held')).toBe(true);
        expect(await stockOf(id)).toBe(6);
      });

      it('merges lines of the same product into one all-or-nothing demand', async () => {
        const id = await createProduct(3);
        const twice = [
          { productId: id, quantity: 2 },
          { productId: id, quantity: 2 },
        ];
        expect(await outcome(api().reserve({ orderId: orderId(), lines: twice }))).toBe('out_of_stock');
        expect(await stockOf(id)).toBe(3);
        await shop.request('POST', `/api/v1/products/${id}/restock`, { token: admin, body: { quantity: 1 } });
        expect(await outcome(api().reserve({ orderId: orderId(), lines: twice }))).toBe('ok');
        expect(await stockOf(id)).toBe(0);
      });

      it('commits idempotently; release after commit returns the units (cancelled order); commit after release is invalid_state', async () => {
        const id = await createProduct(10);
        const order = orderId();
        await api().reserve({ orderId: order, lines: [{ productId: id, quantity: 3 }] });
        expect(await api().commitReservation({ orderId: order })).toEqual({ orderId: order, status: 'committed' });
        expect(await api().commitReservation({ orderId: order })).toEqual({ orderId: order, status: 'committed' });
        expect(await stockOf(id)).toBe(7);
        expect(await api().releaseReservation({ orderId: order })).toEqual({ orderId: order, status: 'released' });
        expect(await stockOf(id)).toBe(10);
        expect(await api().releaseReservation({ orderId: order })).toEqual({ orderId: order, status: 'released' });
        expect(await stockOf(id)).toBe(10);
        expect(await outcome(api().commitReservation({ orderId: order }))).toBe('invalid_state');
        // A reserve for a released order holds nothing again.
        expect(await api().reserve({ orderId: order, lines: [{ productId: id, quantity: 3 }] })).toEqual({
          orderId: order,
          status: 'released',
        });
        expect(await stockOf(id)).toBe(10);
      });

      it('releases a held reservation once, however often it is asked', async () => {
        const id = await createProduct(4);
        const order = orderId();
        await api().reserve({ orderId: order, lines: [{ productId: id, quantity: 4 }] });
        expect(await stockOf(id)).toBe(0);
        const results = await Promise.all(
          Array.from({ length: 10 }, () => api().releaseReservation({ orderId: order })),
        );
        expect(results.every((r) => r.status === 'released')).toBe(true);
        expect(await stockOf(id)).toBe(4);
      });

      it('treats a missing reservation as released, so a late reserve takes nothing; commit of one is not_found', async () => {
        const id = await createProduct(4);
        const order = orderId();
        expect(await outcome(api().commitReservation({ orderId: order }))).toBe('not_found');
        expect(await api().releaseReservation({ orderId: order })).toEqual({ orderId: order, status: 'released' });
        expect(await api().reserve({ orderId: order, lines: [{ productId: id, quantity: 1 }] })).toEqual({
          orderId: order,
          status: 'released',
        });
        expect(await stockOf(id)).toBe(4);
      });

      it('refuses malformed input (validation_failed) and treats absurd quantities or ids as short or unknown', async () => {
        const id = await createProduct(5);
        // The HTTP adapter rejects bad input before sending it, with a bare ZodError (a platform choice).
        const invalid = async (call: () => Promise<unknown>) => {
          const error = await call().then(
            () => undefined,
            (reason: unknown) => reason,
          );
          if (via === 'in-process') expect((error as AppError).code).toBe('validation_failed');
          else expect(error).toBeInstanceOf(Error);
        };
        for (const quantity of [0, -3, 1.5])
          await invalid(() => api().reserve({ orderId: orderId(), lines: [{ productId: id, quantity }] }));
        await invalid(() => api().reserve({ orderId: orderId(), lines: [] }));
        expect(
          await outcome(
            api().reserve({ orderId: orderId(), lines: [{ productId: id, quantity: Number.MAX_SAFE_INTEGER }] }),
          ),
        ).toBe('out_of_stock');
        expect(
          await outcome(api().reserve({ orderId: orderId(), lines: [{ productId: 'x'.repeat(300), quantity: 1 }] })),
        ).toBe('unknown_product');
        await invalid(() => api().getProducts({ ids: [] }));
        expect((await api().getProducts({ ids: ['x'.repeat(300)] })).products).toEqual([]);
        expect(await stockOf(id)).toBe(5);
      });

      it('snapshots existing products with price and available stock, leaving unknown ids out', async () => {
        const id = await createProduct(6);
        await api().reserve({ orderId: orderId(), lines: [{ productId: id, quantity: 2 }] });
        const { products } = await api().getProducts({ ids: [id, randomUUID(), id] });
        expect(products).toEqual([
          {
            id,
            sku: expect.stringMatching(/^INV-/),
            name: expect.stringMatching(/^Item /),
            priceCents: 500,
            currency: 'USD',
            stock: 4,
          },
        ]);
      });

      it('keeps initial − committed = final through a random reserve/commit/release run at concurrency 50', async () => {
        const initial = 30;
        const products = [await createProduct(initial), await createProduct(initial), await createProduct(initial)];
        const committed = new Map(products.map((id) => [id, 0]));
        const orders: string[] = [];
        const random = (n: number) => Math.floor(Math.random() * n);
        const task = async () => {
          const order = orderId();
          orders.push(order);
          const picked = products.filter(() => Math.random() < 0.6);
          const lines = (picked.length ? picked : [products[random(3)]]).map((productId) => ({
            productId,
            quantity: 1 + random(3),
          }));
          const reserve = () => outcome(api().reserve({ orderId: order, lines }));
          // Twice at once (a retry): one may fail while the other, arriving after some stock came back, holds.
          const attempts = random(5) === 0 ? await Promise.all([reserve(), reserve()]) : [await reserve()];
          const reserved = attempts.includes('ok') ? 'ok' : attempts[0];
          if (reserved !== 'ok') {
            expect(reserved).toBe('out_of_stock');
            return;
          }
          const commit = () => outcome(api().commitReservation({ orderId: order }));
          const release = () => api().releaseReservation({ orderId: order });
          switch (random(5)) {
            case 0: // sold
              expect(await commit()).toBe('ok');
              for (const line of lines) committed.set(line.productId, committed.get(line.productId)! + line.quantity);
              break;
            case 1: // sold twice over (retries)
              expect(await Promise.all([commit(), commit()])).toEqual(['ok', 'ok']);
              for (const line of lines) committed.set(line.productId, committed.get(line.productId)! + line.quantity);
              break;
            case 2: // payment declined
              await release();
              break;
            case 3: // sold, then cancelled
              expect(await commit()).toBe('ok');
              await release();
              break;
            default: {
              // commit racing a release: either order ends released
              const [committedOutcome] = await Promise.all([commit(), release()]);
              expect(['ok', 'invalid_state']).toContain(committedOutcome);
            }
          }
        };
        // Over HTTP each step is a request: fewer orders keep the file fast, concurrency stays 50.
        await pool(
          Array.from({ length: via === 'in-process' ? 400 : 200 }, () => task),
          50,
        );

        const statuses = await knex()('reservations').whereIn('order_id', orders).select('status');
        expect(statuses.every((row: { status: string }) => row.status !== 'held')).toBe(true);
        for (const id of products) {
          const final = await stockOf(id);
          expect(final).toBeGreaterThanOrEqual(0);
          expect(final).toBe(initial - committed.get(id)!);
          const [{ n }] = await knex()('reservation_lines')
            .join('reservations', 'reservations.order_id', 'reservation_lines.order_id')
            .where({ 'reservation_lines.product_id': id, 'reservations.status': 'committed' })
            .sum({ n: 'quantity' });
          expect(Number(n ?? 0)).toBe(committed.get(id));
        }
        expect([...committed.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      });
    });
  });
}
