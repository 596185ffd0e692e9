import { expect } from 'vitest';
import type { RequestOptions } from '../../support/http.js';
import { problemStep, step, type Scenario } from './session.js';

export const othersSeeNothing: Scenario = async (session) => {
  const { id, paymentId } = session.order;
  const bob = { token: session.tokens.bob };
  await problemStep(session, "bob reads ada's order", ['GET', `/api/v1/orders/${id}`, bob], 404, 'not_found');
  await problemStep(
    session,
    "bob reads ada's payment",
    ['GET', `/api/v1/payments/${paymentId}`, bob],
    404,
    'not_found',
  );
  await problemStep(session, "bob cancels ada's order", ['POST', `/api/v1/orders/${id}/cancel`, bob], 404, 'not_found');
  const bobs = await step(session, 'bob lists his orders', 'GET', '/api/v1/orders', bob);
  expect(bobs.body).toEqual({ items: [], nextCursor: null });

  const asAdmin = { token: session.tokens.admin };
  const order = await step(session, "admin reads ada's order", 'GET', `/api/v1/orders/${id}`, asAdmin);
  expect(order.body).toMatchObject({ id, userId: session.users.ada });
  const payment = await step(session, "admin reads ada's payment", 'GET', `/api/v1/payments/${paymentId}`, asAdmin);
  expect(payment.body).toMatchObject({ id: paymentId, orderId: id });
};

export const customersCannotAdminister: Scenario = async (session) => {
  const asAda = { token: session.tokens.ada };
  const mug = `/api/v1/products/${session.products.mug}`;
  const product = { sku: 'ADA-1', name: 'Homemade', priceCents: 1, currency: 'USD', stock: 1 };
  await problemStep(
    session,
    'ada creates a product',
    ['POST', '/api/v1/products', { ...asAda, body: product }],
    403,
    'forbidden',
  );
  await problemStep(
    session,
    'ada reprices the mug',
    ['PATCH', mug, { ...asAda, body: { priceCents: 1 } }],
    403,
    'forbidden',
  );
  await problemStep(
    session,
    'ada restocks the mug',
    ['POST', `${mug}/restock`, { ...asAda, body: { quantity: 100 } }],
    403,
    'forbidden',
  );
  await problemStep(
    session,
    'an anonymous product',
    ['POST', '/api/v1/products', { body: product }],
    401,
    'unauthorized',
  );
  const unchanged = await step(session, 'the mug after all that', 'GET', mug, {
    headers: { 'cache-control': 'no-cache' },
  });
  expect(unchanged.body).toMatchObject({ priceCents: 1500, stock: 10 });
  const search = await step(session, 'search for the product ada tried', 'GET', '/api/v1/products?q=ADA-1');
  expect(search.body.items).toEqual([]);
};

export const badInputIsProblemJson: Scenario = async (session) => {
  const post = (path: string, rawBody: string, headers = {}): [string, string, RequestOptions] => [
    'POST',
    path,
    { rawBody, headers },
  ];
  // The problem names the caller's trace when it sent one (W3C traceparent), in every mode.
  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const malformed = await problemStep(
    session,
    'login with malformed JSON',
    post('/api/v1/auth/login', '{"email": "ada@', { traceparent: `00-${traceId}-b7ad6b7169203331-01` }),
    400,
    'malformed_json',
  );
  expect(malformed.body.traceId).toBe(traceId);
  await problemStep(session, 'login with an empty object', post('/api/v1/auth/login', '{}'), 400, 'validation_failed');
  const huge = JSON.stringify({ email: 'big@shop.test', password: 'x'.repeat(110_000), name: 'Big' });
  await problemStep(
    session,
    'register with a 110 kB body',
    post('/api/v1/auth/register', huge),
    413,
    'payload_too_large',
  );
  await problemStep(
    session,
    'restock by zero',
    [
      'POST',
      `/api/v1/products/${session.products.mug}/restock`,
      { token: session.tokens.admin, body: { quantity: 0 } },
    ],
    400,
    'validation_failed',
  );
  await problemStep(
    session,
    'orders with limit abc',
    ['GET', '/api/v1/orders?limit=abc', { token: session.tokens.ada }],
    400,
    'validation_failed',
  );
  const nullBody = await problemStep(
    session,
    'reprice the mug with the JSON body null',
    ['PATCH', `/api/v1/products/${session.products.mug}`, { token: session.tokens.admin, rawBody: 'null' }],
    400,
    'validation_failed',
  );
  expect(nullBody.body.errors).toEqual([{ path: '', message: expect.any(String) }]);
  await problemStep(
    session,
    'a 100 kB query string',
    ['GET', `/api/v1/products?q=${'a'.repeat(100_000)}`],
    431,
    'headers_too_large',
  );
  await problemStep(session, 'a route that does not exist', ['GET', '/api/v1/nothing-here'], 404, 'not_found');
  await problemStep(
    session,
    'delete the catalog',
    ['DELETE', '/api/v1/products', { token: session.tokens.admin }],
    404,
    'not_found',
  );
  await problemStep(session, 'read a product by a malformed id', ['GET', '/api/v1/products/%20'], 404, 'not_found');
  await problemStep(
    session,
    'read a product by an id that is not valid percent-encoding',
    ['GET', '/api/v1/products/%ZZ'],
    400,
    'validation_failed',
  );
};
