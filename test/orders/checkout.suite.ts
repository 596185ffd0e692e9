import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CatalogApi,
  catalogOperations,
  CATALOG_API,
} from '../../src/modules/catalog/contract/catalog.contract.js';
import { ORDERS_API } from '../../src/modules/orders/contract/orders.contract.js';
import { expectProblem, type ApiResponse } from '../support/http.js';
import { moduleKnex } from '../support/module-db.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import { checkout, countBy, createProduct, delegate, stockOf } from './orders.fixtures.js';
import type { BackendFactory } from '../support/backends.js';

/** The checkout saga through the public API (API.md "Orders"), against one database backend. */
export function describeCheckout(label: string, backend: BackendFactory): void {
  describe(`checkout saga on ${label}`, () => {
    let shop: TestShop;
    let cleanup: () => Promise<void>;
    let admin: string;
    let alice: { id: string; token: string };
    let bob: { id: string; token: string };

    const heldReservations = async () =>
      Number((await moduleKnex(shop, 'catalog')('reservations').where({ status: 'held' }).count({ n: '*' }))[0].n);
    const ordersOf = (userId: string) => moduleKnex(shop, 'orders')('orders').where({ user_id: userId });
    const paymentsOf = (userId: string) => moduleKnex(shop, 'payments')('payments').where({ user_id: userId });

    beforeAll(async () => {
      const setup = await backend();
      cleanup = setup.cleanup;
      shop = await startTestShop(setup.env);
      [admin, alice, bob] = await Promise.all([shop.adminToken(), shop.customer('Alice'), shop.customer('Bob')]);
    });
    afterAll(async () => {
      await shop?.stop();
      await cleanup?.();
    });

    it('confirms a checkout with 201, a Location and prices from the catalog', async () => {
      const a = await createProduct(shop, admin, { stock: 10, priceCents: 1250 });
      const b = await createProduct(shop, admin, { stock: 10, priceCents: 399 });
      // Duplicate lines are merged; the client cannot send a price.
      const response = await checkout(shop, alice.token, [
        { productId: a, quantity: 1 },
        { productId: b, quantity: 3 },
        { productId: a, quantity: 1 },
      ]);
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      expect(response.headers.get('location')).toBe(`/api/v1/orders/${response.body.id}`);
      expect(response.body).toEqual({
        id: expect.any(String),
        userId: alice.id,
        status: 'confirmed',
        items: [
          {
            productId: a,
            sku: expect.any(String),
            name: expect.any(String),
            unitPriceCents: 1250,
            quantity: 2,
            lineTotalCents: 2500,
          },
          {
            productId: b,
            sku: expect.any(String),
            name: expect.any(String),
            unitPriceCents: 399,
            quantity: 3,
            lineTotalCents: 1197,
          },
        ],
        totalCents: 3697,
        currency: 'USD',
        paymentId: expect.any(String),
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      expect([await stockOf(shop, a), await stockOf(shop, b)]).toEqual([8, 7]);
      const payment = await shop.request('GET', `/api/v1/payments/${response.body.paymentId}`, { token: alice.token });
      expect(payment.body).toMatchObject({
        orderId: response.body.id,
        amountCents: 3697,
        currency: 'USD',
        status: 'captured',
      });
      expect((await shop.request('GET', `/api/v1/orders/${response.body.id}`, { token: alice.token })).body).toEqual(
        response.body,
      );
    });

    it('sells exactly 50 of 200 concurrent single-unit checkouts for stock 50', async () => {
      const product = await createProduct(shop, admin, { stock: 50 });
      const responses = await Promise.all(
        Array.from({ length: 200 }, () => checkout(shop, bob.token, [{ productId: product, quantity: 1 }])),
      );
      const statuses = countBy(responses.map((response) => response.status));
      expect(Object.fromEntries(statuses)).toEqual({ 201: 50, 409: 150 });
      for (const response of responses.filter((r) => r.status === 409)) expect(response.body.code).toBe('out_of_stock');
      expect(await stockOf(shop, product)).toBe(0);
      const confirmed = (await ordersOf(bob.id).where({ status: 'confirmed' })).filter((row) =>
        row.items.includes(product),
      );
      expect(
        confirmed.map((row) => JSON.parse(row.items)[0].quantity).reduce((sum: number, q: number) => sum + q, 0),
      ).toBe(50);
      expect(await heldReservations()).toBe(0);
      const captured = await paymentsOf(bob.id)
        .where({ status: 'captured' })
        .whereIn(
          'order_id',
          confirmed.map((row) => row.id),
        );
      expect(captured).toHaveLength(50);
    }, 60_000);

    it('rejects a cart with one line out of stock with 409 and leaves the other line untouched', async () => {
      const a = await createProduct(shop, admin, { stock: 5 });
      const b = await createProduct(shop, admin, { stock: 0 });
      const before = await ordersOf(alice.id).count({ n: '*' });
      expectProblem(
        await checkout(shop, alice.token, [
          { productId: a, quantity: 2 },
          { productId: b, quantity: 1 },
        ]),
        409,
        'out_of_stock',
      );
      expect([await stockOf(shop, a), await stockOf(shop, b)]).toEqual([5, 0]);
      expect(await ordersOf(alice.id).count({ n: '*' })).toEqual(before);
    });

    it('leaves nothing held when the reservation itself refuses one line (stale snapshot)', async () => {
      const a = await createProduct(shop, admin, { stock: 5 });
      const b = await createProduct(shop, admin, { stock: 1 });
      const real = shop.host.modules.get('catalog')!.container.resolve<CatalogApi>(CATALOG_API);
      // The snapshot claims plenty of stock, so the refusal comes from the all-or-nothing reserve.
      shop.host.container.register(CATALOG_API, {
        useValue: delegate(real, catalogOperations, {
          getProducts: async (input) => ({
            products: (await real.getProducts(input)).products.map((p) => ({ ...p, stock: 999 })),
          }),
        }),
      });
      try {
        const response = await checkout(shop, alice.token, [
          { productId: a, quantity: 2 },
          { productId: b, quantity: 2 },
        ]);
        expectProblem(response, 409, 'out_of_stock');
      } finally {
        shop.host.container.register(CATALOG_API, { useValue: real });
      }
      expect([await stockOf(shop, a), await stockOf(shop, b)]).toEqual([5, 1]);
      expect(await heldReservations()).toBe(0);
      const rejected = await ordersOf(alice.id).where({ status: 'rejected' });
      expect(rejected.length).toBeGreaterThanOrEqual(1);
      // A rejected checkout is not an order: invisible in GET and in the list.
      for (const row of rejected)
        expect((await shop.request('GET', `/api/v1/orders/${row.id}`, { token: alice.token })).status).toBe(404);
      const list = await shop.request('GET', '/api/v1/orders?limit=100', { token: alice.token });
      expect(list.body.items.filter((order: { id: string }) => rejected.some((row) => row.id === order.id))).toEqual(
        [],
      );
    });

    it('answers 402 for a declined card, releases the stock and keeps a payment_failed order holding nothing', async () => {
      const product = await createProduct(shop, admin, { stock: 4 });
      const response = await checkout(shop, alice.token, [{ productId: product, quantity: 3 }], {
        paymentToken: 'tok_chargeDeclined',
      });
      expectProblem(response, 402, 'payment_declined');
      expect(await stockOf(shop, product)).toBe(4);
      const order = await shop.request('GET', `/api/v1/orders/${response.body.orderId}`, { token: alice.token });
      expect(order.body).toMatchObject({ status: 'payment_failed', totalCents: 3750 });
      const reservation = await moduleKnex(
        shop,
        'catalog',
      )('reservations')
        .where({ order_id: response.body.orderId })
        .first();
      expect(reservation.status).toBe('released');
      expect((await paymentsOf(alice.id).where({ order_id: response.body.orderId })).map((p) => p.status)).toEqual([
        'declined',
      ]);
      expectProblem(
        await shop.request('POST', `/api/v1/orders/${response.body.orderId}/cancel`, { token: alice.token }),
        409,
        'invalid_state',
      );
    });

    it('cancels a confirmed order: payment refunded, stock back; a second cancel is 409', async () => {
      const product = await createProduct(shop, admin, { stock: 6 });
      const placed = await checkout(shop, alice.token, [{ productId: product, quantity: 4 }]);
      expect(placed.status).toBe(201);
      expect(await stockOf(shop, product)).toBe(2);
      expectProblem(
        await shop.request('POST', `/api/v1/orders/${placed.body.id}/cancel`, { token: bob.token }),
        404,
        'not_found',
      );
      const cancelled = await shop.request('POST', `/api/v1/orders/${placed.body.id}/cancel`, { token: alice.token });
      expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
      expect(cancelled.body).toMatchObject({
        id: placed.body.id,
        status: 'cancelled',
        paymentId: placed.body.paymentId,
      });
      expect(await stockOf(shop, product)).toBe(6);
      const payment = await shop.request('GET', `/api/v1/payments/${placed.body.paymentId}`, { token: alice.token });
      expect(payment.body.status).toBe('refunded');
      expectProblem(
        await shop.request('POST', `/api/v1/orders/${placed.body.id}/cancel`, { token: alice.token }),
        409,
        'invalid_state',
      );
      expect(await stockOf(shop, product)).toBe(6);
    });

    it('lets exactly one of two concurrent cancels through', async () => {
      const product = await createProduct(shop, admin, { stock: 3 });
      const placed = await checkout(shop, alice.token, [{ productId: product, quantity: 2 }]);
      const both = await Promise.all(
        [1, 2].map(() => shop.request('POST', `/api/v1/orders/${placed.body.id}/cancel`, { token: alice.token })),
      );
      expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(await stockOf(shop, product)).toBe(3);
    });

    it('runs 20 concurrent requests with one Idempotency-Key once and replays the first response', async () => {
      const product = await createProduct(shop, admin, { stock: 30 });
      const customer = await shop.customer('Idem');
      const key = `checkout-${Date.now()}`;
      const responses = await Promise.all(
        Array.from({ length: 20 }, () =>
          checkout(shop, customer.token, [{ productId: product, quantity: 1 }], { key }),
        ),
      );
      const fresh = responses.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
      expect(fresh).toHaveLength(1);
      for (const response of responses.filter((r) => r !== fresh[0])) {
        if (response.status === 409) expect(response.body.code).toBe('idempotency_key_in_use');
        else
          expect([response.status, response.headers.get('idempotent-replayed'), response.body]).toEqual([
            201,
            'true',
            fresh[0].body,
          ]);
      }
      expect((await ordersOf(customer.id)).length).toBe(1);
      expect((await paymentsOf(customer.id)).length).toBe(1);
      expect(await stockOf(shop, product)).toBe(29);

      const replay = await checkout(shop, customer.token, [{ productId: product, quantity: 1 }], { key });
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.headers.get('location')).toBe(fresh[0].headers.get('location'));
      expect(replay.body).toEqual(fresh[0].body);
      expectProblem(
        await checkout(shop, customer.token, [{ productId: product, quantity: 2 }], { key }),
        422,
        'idempotency_key_reused',
      );
      // The quoted form of the draft names the same key.
      expect(
        (await checkout(shop, customer.token, [{ productId: product, quantity: 1 }], { key: `"${key}"` })).headers.get(
          'idempotent-replayed',
        ),
      ).toBe('true');
      // Keys are scoped to the user: another user's identical key is a new checkout.
      const other = await checkout(shop, alice.token, [{ productId: product, quantity: 1 }], { key });
      expect([other.status, other.headers.get('idempotent-replayed')]).toEqual([201, null]);
      expect(await stockOf(shop, product)).toBe(28);
      expect((await paymentsOf(customer.id)).length).toBe(1);
    });

    it('replays a refusal too, and validates the Idempotency-Key header', async () => {
      const product = await createProduct(shop, admin, { stock: 2 });
      const key = `declined-${Date.now()}`;
      const first = await checkout(shop, alice.token, [{ productId: product, quantity: 1 }], {
        key,
        paymentToken: 'tok_chargeDeclined',
      });
      expectProblem(first, 402, 'payment_declined');
      const again = await checkout(shop, alice.token, [{ productId: product, quantity: 1 }], {
        key,
        paymentToken: 'tok_chargeDeclined',
      });
      expectProblem(again, 402, 'payment_declined');
      expect([again.headers.get('idempotent-replayed'), again.body]).toEqual(['true', first.body]);
      expect((await paymentsOf(alice.id).where({ order_id: first.body.orderId })).length).toBe(1);
      for (const bad of ['x'.repeat(256), 'tab\there', 'é']) {
        expectProblem(
          await checkout(shop, alice.token, [{ productId: product, quantity: 1 }], { key: bad }),
          400,
          'validation_failed',
        );
      }
      expect(await stockOf(shop, product)).toBe(2);
    });

    it('rejects invalid carts: 400 for the schema, 422 for unknown products, with nothing ordered', async () => {
      const product = await createProduct(shop, admin, { stock: 2 });
      const euro = await createProduct(shop, admin, { stock: 2, currency: 'EUR' });
      const before = (await ordersOf(alice.id)).length;
      const bodies: unknown[] = [
        {},
        { items: [], paymentMethod: { token: 'tok_visa' } },
        { items: [{ productId: product, quantity: 0 }], paymentMethod: { token: 'tok_visa' } },
        { items: [{ productId: product, quantity: 1.5 }], paymentMethod: { token: 'tok_visa' } },
        { items: [{ productId: product, quantity: 1001 }], paymentMethod: { token: 'tok_visa' } },
        {
          items: Array.from({ length: 51 }, () => ({ productId: product, quantity: 1 })),
          paymentMethod: { token: 'tok_visa' },
        },
        { items: [{ productId: product, quantity: 1 }] },
        { items: [{ productId: product, quantity: '1' }], paymentMethod: { token: 'tok_visa' } },
      ];
      for (const body of bodies)
        expectProblem(
          await shop.request('POST', '/api/v1/orders', { token: alice.token, body }),
          400,
          'validation_failed',
        );
      expectProblem(
        await checkout(shop, alice.token, [
          { productId: product, quantity: 1 },
          { productId: euro, quantity: 1 },
        ]),
        400,
        'validation_failed',
      );
      expectProblem(
        await checkout(shop, alice.token, [{ productId: 'no-such-product', quantity: 1 }]),
        422,
        'unknown_product',
      );
      expectProblem(
        await shop.request('POST', '/api/v1/orders', { token: alice.token, rawBody: '{"items":' }),
        400,
        'malformed_json',
      );
      expect(
        (
          await shop.request('POST', '/api/v1/orders', {
            body: { items: [{ productId: product, quantity: 1 }], paymentMethod: { token: 'tok_visa' } },
          })
        ).status,
      ).toBe(401);
      expect((await ordersOf(alice.id)).length).toBe(before);
      expect(await stockOf(shop, product)).toBe(2);
    });

    it('documents the Idempotency-Key header and serves getOrder through the contract', async () => {
      const doc = (await shop.request('GET', '/api/v1/openapi.json')).body;
      const post = doc.paths['/api/v1/orders'].post;
      expect(post.parameters).toContainEqual(
        expect.objectContaining({ name: 'idempotency-key', in: 'header', required: false }),
      );
      expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['201', '202']));
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/api/v1/orders/{id}', '/api/v1/orders/{id}/cancel']),
      );

      const product = await createProduct(shop, admin, { stock: 1 });
      const placed = await checkout(shop, bob.token, [{ productId: product, quantity: 1 }]);
      const api = shop.host.container.resolve(ORDERS_API);
      expect(await api.getOrder({ id: placed.body.id })).toEqual(placed.body);
      await expect(api.getOrder({ id: 'missing' })).rejects.toMatchObject({ code: 'not_found' });
    });

    it('shows a customer only their own orders, newest first, page by page; admins see any', async () => {
      const product = await createProduct(shop, admin, { stock: 10 });
      const carol = await shop.customer('Carol');
      const placed: string[] = [];
      for (let i = 0; i < 3; i++)
        placed.push((await checkout(shop, carol.token, [{ productId: product, quantity: 1 }])).body.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: ApiResponse = await shop.request(
          'GET',
          `/api/v1/orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          { token: carol.token },
        );
        expect(page.status).toBe(200);
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(
          ...page.body.items.map(
            (order: { id: string; userId: string }) => (expect(order.userId).toBe(carol.id), order.id),
          ),
        );
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...placed].reverse());
      expectProblem(await shop.request('GET', `/api/v1/orders/${placed[0]}`, { token: bob.token }), 404, 'not_found');
      expect((await shop.request('GET', `/api/v1/orders/${placed[0]}`, { token: admin })).body.userId).toBe(carol.id);
      expectProblem(
        await shop.request('GET', '/api/v1/orders?limit=0', { token: carol.token }),
        400,
        'validation_failed',
      );
      expectProblem(
        await shop.request('GET', '/api/v1/orders?cursor=garbage', { token: carol.token }),
        400,
        'validation_failed',
      );
      expectProblem(
        await shop.request('GET', '/api/v1/orders/does-not-exist', { token: carol.token }),
        404,
        'not_found',
      );
    });
  });
}
