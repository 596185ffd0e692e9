import { expect } from 'vitest';
import type { RequestOptions } from '../../support/http.js';
import { UNKNOWN_PRODUCT } from './catalog.scenarios.js';
import { problemStep, step, stockOf, type Scenario, type ShopSession } from './session.js';

const checkout = (session: ShopSession, body: unknown, key?: string): [string, string, RequestOptions] => [
  'POST',
  '/api/v1/orders',
  { token: session.tokens.ada, body, headers: key === undefined ? {} : { 'idempotency-key': key } },
];

/** Ada's basket: 2 mugs at 15.00 and a tee at 20.00. */
export const basket = (session: ShopSession) => ({
  items: [
    { productId: session.products.mug, quantity: 2 },
    { productId: session.products.tee, quantity: 1 },
  ],
  paymentMethod: { token: 'tok_visa' },
});

export const checkoutConfirmsAndReplays: Scenario = async (session) => {
  const [method, path, options] = checkout(session, basket(session), 'ada-basket-1');
  const placed = await step(session, 'check out 2 mugs and a tee', method, path, options);
  expect(placed.status).toBe(201);
  expect(placed.body).toMatchObject({
    userId: session.users.ada,
    status: 'confirmed',
    totalCents: 2 * 1500 + 2000,
    currency: 'USD',
    items: [
      { productId: session.products.mug, sku: 'E2E-MUG', unitPriceCents: 1500, quantity: 2, lineTotalCents: 3000 },
      { productId: session.products.tee, sku: 'E2E-TEE', unitPriceCents: 2000, quantity: 1, lineTotalCents: 2000 },
    ],
  });
  expect(placed.headers.get('location')).toBe(`/api/v1/orders/${placed.body.id}`);
  session.order = { id: placed.body.id, paymentId: placed.body.paymentId, placed: placed.body };
  expect(await stockOf(session, 'stock after the checkout', ['mug', 'tee'])).toEqual({ mug: 8, tee: 9 });

  const replayed = await step(session, 'replay the checkout', method, path, options);
  expect(replayed.status).toBe(201);
  expect(replayed.headers.get('idempotent-replayed')).toBe('true');
  expect(replayed.body).toEqual(placed.body);
  expect(await stockOf(session, 'stock after the replay', ['mug', 'tee'])).toEqual({ mug: 8, tee: 9 });
  const mine = await step(session, 'ada lists her orders', 'GET', '/api/v1/orders', { token: session.tokens.ada });
  expect(mine.body.items.map((order: { id: string }) => order.id)).toEqual([placed.body.id]);

  await problemStep(
    session,
    'reuse the key for another basket',
    checkout(session, { ...basket(session), items: basket(session).items.slice(0, 1) }, 'ada-basket-1'),
    422,
    'idempotency_key_reused',
  );
  const payment = await step(session, 'read the payment', 'GET', `/api/v1/payments/${placed.body.paymentId}`, {
    token: session.tokens.ada,
  });
  expect(payment.status).toBe(200);
  expect(payment.body).toMatchObject({ orderId: placed.body.id, amountCents: 5000, status: 'captured' });
};

export const checkoutRefusals: Scenario = async (session) => {
  const poster = (quantity: number, token = 'tok_visa') => ({
    items: [{ productId: session.products.poster, quantity }],
    paymentMethod: { token },
  });
  await problemStep(session, 'buy 2 posters of 1', checkout(session, poster(2)), 409, 'out_of_stock');
  const declined = await problemStep(
    session,
    'buy the poster with a declined card',
    checkout(session, poster(1, 'tok_chargeDeclined'), 'ada-declined-1'),
    402,
    'payment_declined',
  );
  const replay = await step(
    session,
    'replay the declined checkout',
    ...checkout(session, poster(1, 'tok_chargeDeclined'), 'ada-declined-1'),
  );
  expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([402, 'true']);
  // A replayed refusal names the trace that decided it.
  expect(replay.body).toEqual(declined.body);
  await problemStep(
    session,
    'buy a product that does not exist',
    checkout(session, { items: [{ productId: UNKNOWN_PRODUCT, quantity: 1 }], paymentMethod: { token: 'tok_visa' } }),
    422,
    'unknown_product',
  );
  expect(await stockOf(session, 'stock after the refusals', ['poster'])).toEqual({ poster: 1 });

  const invalid = await problemStep(
    session,
    'check out a zero quantity without a card',
    checkout(session, { items: [{ productId: session.products.mug, quantity: 0 }], paymentMethod: {} }),
    400,
    'validation_failed',
  );
  expect(invalid.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
    'items.0.quantity',
    'paymentMethod.token',
  ]);
  await problemStep(
    session,
    'check out nothing',
    checkout(session, { ...poster(1), items: [] }),
    400,
    'validation_failed',
  );
  await problemStep(
    session,
    'check out with a 256-character key',
    checkout(session, poster(1), 'k'.repeat(256)),
    400,
    'validation_failed',
  );
  const orders = await step(session, 'ada lists her orders again', 'GET', '/api/v1/orders', {
    token: session.tokens.ada,
  });
  expect(orders.body.items.map((order: { status: string }) => order.status)).toEqual(['payment_failed', 'confirmed']);
  session.declinedOrderId = orders.body.items[0].id;
};
