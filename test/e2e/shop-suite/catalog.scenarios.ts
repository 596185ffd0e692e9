import { expect } from 'vitest';
import { eventually } from '../../support/eventually.js';
import { freshProduct, problemStep, step, type Scenario } from './session.js';

const PRODUCTS = {
  mug: {
    sku: 'E2E-MUG',
    name: 'Enamel mug',
    description: 'Holds 350 ml',
    priceCents: 1250,
    currency: 'USD',
    stock: 10,
  },
  tee: { sku: 'E2E-TEE', name: 'Cotton tee', priceCents: 2000, currency: 'USD', stock: 5 },
  poster: { sku: 'E2E-POSTER', name: 'Shop poster', priceCents: 800, currency: 'USD', stock: 1 },
};

const skusOf = (response: { body: { items: { sku: string }[] } }) => response.body.items.map((item) => item.sku);

export const adminBuildsCatalog: Scenario = async (session) => {
  let previousCreatedAt = 0;
  for (const name of ['mug', 'tee', 'poster'] as const) {
    // Products list oldest first and break createdAt ties by (random) id: distinct milliseconds keep the order fixed.
    await eventually('the next millisecond', () => Date.now() > previousCreatedAt);
    const created = await step(session, `create ${name}`, 'POST', '/api/v1/products', {
      token: session.tokens.admin,
      body: PRODUCTS[name],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(PRODUCTS[name]);
    expect(created.headers.get('location')).toBe(`/api/v1/products/${created.body.id}`);
    session.products[name] = created.body.id;
    previousCreatedAt = Date.parse(created.body.createdAt);
  }
  await problemStep(
    session,
    'create a second E2E-MUG',
    ['POST', '/api/v1/products', { token: session.tokens.admin, body: { ...PRODUCTS.mug, name: 'Other mug' } }],
    409,
    'sku_taken',
  );

  const patched = await step(session, 'raise the mug to 15.00', 'PATCH', `/api/v1/products/${session.products.mug}`, {
    token: session.tokens.admin,
    body: { priceCents: 1500 },
  });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({ priceCents: 1500, name: 'Enamel mug', stock: 10 });
  const restocked = await step(session, 'restock 5 tees', 'POST', `/api/v1/products/${session.products.tee}/restock`, {
    token: session.tokens.admin,
    body: { quantity: 5 },
  });
  expect(restocked.status).toBe(200);
  expect(restocked.body).toMatchObject({ stock: 10, priceCents: 2000 });
  expect((await freshProduct(session, 'read the mug back', session.products.mug)).body.priceCents).toBe(1500);
};

export const catalogListsSearchesAndPages: Scenario = async (session) => {
  const first = await step(session, 'list, page 1 of 2', 'GET', '/api/v1/products?limit=2');
  expect(first.status).toBe(200);
  expect(skusOf(first)).toEqual(['E2E-MUG', 'E2E-TEE']);
  expect(first.body.nextCursor).toEqual(expect.any(String));
  const cursor = encodeURIComponent(first.body.nextCursor);
  const second = await step(session, 'list, page 2 of 2', 'GET', `/api/v1/products?limit=2&cursor=${cursor}`);
  expect(skusOf(second)).toEqual(['E2E-POSTER']);
  expect(second.body.nextCursor).toBeNull();

  const byName = await step(session, 'search by name', 'GET', '/api/v1/products?q=Cotton');
  expect(skusOf(byName)).toEqual(['E2E-TEE']);
  const bySku = await step(session, 'search by sku', 'GET', '/api/v1/products?q=E2E-POSTER');
  expect(skusOf(bySku)).toEqual(['E2E-POSTER']);
  const none = await step(session, 'search with no match', 'GET', '/api/v1/products?q=nothing-like-this');
  expect(none.body).toEqual({ items: [], nextCursor: null });

  await problemStep(session, 'list with limit 0', ['GET', '/api/v1/products?limit=0'], 400, 'validation_failed');
  await problemStep(session, 'list with limit 101', ['GET', '/api/v1/products?limit=101'], 400, 'validation_failed');
  await problemStep(
    session,
    'read a product that does not exist',
    ['GET', `/api/v1/products/${UNKNOWN_PRODUCT}`],
    404,
    'not_found',
  );
};

/** An id no product has: fixed, so both modes' transcripts name the same one. */
export const UNKNOWN_PRODUCT = '00000000-0000-4000-8000-000000000000';
