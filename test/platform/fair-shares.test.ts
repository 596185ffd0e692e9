import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkout, createProduct } from '../orders/orders.fixtures.js';
import { expectProblem } from '../support/http.js';
import { moduleKnex } from '../support/module-db.js';
import { startTestShop, type TestShop } from '../support/shop.js';

const CHECKOUTS = 6;
/** 4 running + 4 queued places per module, a quarter of them per client. */
const SHARE = 2;

describe("fair shares in the monolith's edge", () => {
  let shop: TestShop;
  beforeAll(async () => {
    // The product's default share (25 %), which the test helpers turn off.
    shop = await startTestShop({ BULKHEAD_CONCURRENCY: '4', BULKHEAD_QUEUE: '4', BULKHEAD_CLIENT_SHARE: '' });
  });
  afterAll(() => shop?.stop());

  it(`refuses a user's checkouts beyond ${SHARE} in progress with 503 and Retry-After, and answers another user meanwhile`, async () => {
    const admin = await shop.adminToken();
    const productId = await createProduct(shop, admin, { stock: 100, priceCents: 300 });
    const [alice, bob] = [await shop.customer('Alice'), await shop.customer('Bob')];
    const burst = Promise.all(
      Array.from({ length: CHECKOUTS }, () =>
        checkout(shop, alice.token, [{ productId, quantity: 1 }], { paymentToken: 'tok_slow_1500' }),
      ),
    );
    // Bob's calls go through the same module bulkheads (orders, catalog) while Alice's checkouts wait on payments.
    const bobs = await Promise.all([
      shop.request('GET', '/api/v1/orders', { token: bob.token }),
      checkout(shop, bob.token, [{ productId, quantity: 1 }]),
      shop.request('GET', `/api/v1/products/${productId}`),
    ]);
    const answers = await burst;

    expect(bobs.map((answer) => answer.status)).toEqual([200, 201, 200]);
    const placed = answers.filter((answer) => answer.status === 201);
    const refused = answers.filter((answer) => answer.status === 503);
    expect(placed.length + refused.length).toBe(CHECKOUTS);
    // At least her share went through (more only if one finished before the last was sent).
    expect(placed.length).toBeGreaterThanOrEqual(SHARE);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const answer of refused) {
      expectProblem(answer, 503, 'service_unavailable', { rfc9457: true });
      expect(answer.headers.get('retry-after')).toBe('1');
    }
    // A refused checkout ordered and charged nothing: Alice has exactly her placed orders, each captured once.
    const orders = await moduleKnex(shop, 'orders')('orders').where({ user_id: alice.id });
    const payments = await moduleKnex(shop, 'payments')('payments').where({ user_id: alice.id, status: 'captured' });
    expect(orders.map((order) => order.status)).toEqual(placed.map(() => 'confirmed'));
    expect(payments.map((payment) => payment.order_id).sort()).toEqual(placed.map((answer) => answer.body.id).sort());
    const rejected = (await shop.host.metrics.registry.getSingleMetric('bulkhead_rejected_total')!.get()).values;
    expect(rejected.filter((value) => value.labels.reason === 'share').map((value) => value.labels.bulkhead)).toEqual([
      'module:orders',
    ]);
  }, 60_000);
});
