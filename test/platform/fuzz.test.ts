import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULES } from '../../src/main.js';
import { startTestShop, type TestShop } from '../support/shop.js';

const routes = MODULES.flatMap((definition) => definition.routes.filter((route) => route.access !== 'internal'));

const JUNK_BODIES: Array<{ rawBody?: string; body?: unknown }> = [
  { rawBody: '{"items": [' },
  { rawBody: 'null' },
  { rawBody: '"a string"' },
  { rawBody: '[]' },
  { rawBody: '{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}}' },
  { body: {} },
  { body: { items: 'not-an-array', paymentMethod: null, email: 42, password: [], name: {}, quantity: -1 } },
  { body: { items: [{ productId: 'x'.repeat(5000), quantity: 1e308 }], paymentMethod: { token: 'tok_\u0000' } } },
  {
    body: {
      items: Array.from({ length: 60 }, () => ({ productId: 'p', quantity: 1 })),
      paymentMethod: { token: 'tok_visa' },
    },
  },
  {
    body: {
      sku: '',
      name: '\u202e\ud800',
      priceCents: 1.5,
      currency: 'usd',
      stock: -3,
      description: null,
      quantity: '1',
    },
  },
  { body: { priceCents: Number.MAX_SAFE_INTEGER, quantity: 2 ** 53, limit: 'x' } },
  { body: JSON.parse('{"a":'.repeat(200) + '1' + '}'.repeat(200)) },
];
const JUNK_IDS = ['x', '%00', 'a'.repeat(300), '..%2F..%2Fetc', '💥', "1' OR '1'='1"];
const JUNK_QUERIES = [
  '?limit=0',
  '?limit=101',
  '?limit=abc',
  '?limit=1&limit=2',
  '?cursor=%FF%FE',
  '?cursor=' + 'A'.repeat(600),
  '?q=%25%5F%27',
];

describe('no request, however bad, produces a 500', () => {
  let shop: TestShop;
  let tokens: Array<string | undefined>;
  beforeAll(async () => {
    shop = await startTestShop();
    tokens = [undefined, 'not.a.jwt', (await shop.customer()).token, await shop.adminToken()];
  });
  afterAll(() => shop?.stop());

  it('answers every junk request to every route with a 4xx problem+json', async () => {
    let requests = 0;
    for (const route of routes) {
      for (const token of tokens) {
        for (const id of JUNK_IDS) {
          const path = route.path.replace(/:\w+/g, encodeURIComponent(id));
          const variants =
            route.method === 'get'
              ? JUNK_QUERIES.map((query) => ({ path: path + query }))
              : JUNK_BODIES.map((junk) => ({ path, ...junk }));
          for (const { path: url, ...junk } of variants) {
            const response = await shop.request(route.method.toUpperCase(), url, {
              token,
              ...junk,
              headers: { 'idempotency-key': encodeURIComponent(id) },
            });
            requests++;
            const where = `${route.method} ${url.slice(0, 80)} → ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`;
            expect(response.status, where).toBeLessThan(500);
            if (response.status >= 400) {
              expect(response.headers.get('content-type'), where).toContain('application/problem+json');
              expect(response.body.code, where).toEqual(expect.any(String));
            }
          }
        }
      }
    }
    expect(requests).toBeGreaterThan(2000);
  }, 120_000);
});
