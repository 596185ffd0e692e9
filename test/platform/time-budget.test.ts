import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceTokens } from '../../src/platform/rpc/service-token.js';
import { expectProblem } from '../support/http.js';
import { eventually } from '../support/eventually.js';
import { moduleKnex } from '../support/module-db.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import { createProduct } from '../orders/orders.fixtures.js';

const SECRET = 'time-budget-test-internal-token-secret-0123456789';

describe('time budgets', () => {
  let shop: TestShop;

  beforeAll(async () => {
    shop = await startTestShop({ INTERNAL_TOKEN_SECRET: SECRET, RATE_LIMIT_PER_MINUTE: '0' });
  });
  afterAll(async () => {
    await shop?.stop();
  });

  it('refuses a module-to-module call whose budget is spent with 503 at once, before doing any of it', async () => {
    const orderId = 'order-spent-budget';
    const startedAt = performance.now();
    const response = await shop.request('POST', '/internal/payments/charge', {
      headers: { 'x-internal-token': await createServiceTokens(SECRET).forCallee('payments'), 'x-shop-budget-ms': '0' },
      body: {
        input: {
          orderId,
          userId: 'user-1',
          amountCents: 100,
          currency: 'USD',
          token: 'tok_slow_3000',
          idempotencyKey: `key-${orderId}`,
        },
      },
    });
    expect(performance.now() - startedAt).toBeLessThan(1000);
    expectProblem(response, 503, 'service_unavailable');
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await moduleKnex(shop, 'payments')('payments').where({ order_id: orderId })).toEqual([]);
  });

  it('gives up on the nested charge when 500 ms of budget are left: 202 in well under the 4 s the provider takes', async () => {
    const productId = await createProduct(shop, await shop.adminToken(), { stock: 5 });
    const buyer = await shop.customer();
    const startedAt = performance.now();
    const response = await shop.request('POST', '/api/v1/orders', {
      token: buyer.token,
      headers: { 'x-shop-budget-ms': '500' },
      body: { items: [{ productId, quantity: 1 }], paymentMethod: { token: 'tok_slow_4000' } },
    });
    const answeredMs = performance.now() - startedAt;
    console.info(JSON.stringify({ answeredMs: Math.round(answeredMs) }));
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    expect(response.body.status).toBe('payment_pending');
    expect(answeredMs).toBeLessThan(2000);
    // The charge itself went on; the background settles the order with it, once.
    const orders = moduleKnex(shop, 'orders');
    const status = () => orders('orders').where({ id: response.body.id }).first('status');
    await eventually('the order confirmed', async () => (await status())?.status, {
      until: (value) => value === 'confirmed',
      timeoutMs: 30_000,
      everyMs: 200,
    });
    const payments = await moduleKnex(shop, 'payments')('payments').where({ order_id: response.body.id });
    expect(payments.map((payment) => payment.status)).toEqual(['captured']);
  }, 40_000);

  it('answers 503 at once to a public request sent with no budget left', async () => {
    const response = await shop.request('GET', '/api/v1/products', { headers: { 'x-shop-budget-ms': '0' } });
    expectProblem(response, 503, 'service_unavailable');
  });
});
