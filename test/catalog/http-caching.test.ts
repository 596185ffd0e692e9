import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestShop, type TestShop } from '../support/shop.js';

/** ETags and Cache-Control of the public catalog reads, in the monolith (no cache in between). */

describe('catalog reads with ETag and Cache-Control (monolith, default CATALOG_MAX_AGE)', () => {
  let shop: TestShop;
  let id: string;
  let admin: string;
  beforeAll(async () => {
    shop = await startTestShop();
    admin = await shop.adminToken();
    const product = { sku: 'ETAG-1', name: 'Tagged mug', priceCents: 1000, currency: 'USD', stock: 5 };
    id = (await shop.request('POST', '/api/v1/products', { token: admin, body: product })).body.id;
  });
  afterAll(() => shop?.stop());

  it.each(['/api/v1/products', '/api/v1/products?q=ETAG', 'PRODUCT'])(
    'answers GET %s with a strong ETag and public, max-age=2, then 304 without a body for that tag',
    async (template) => {
      const path = template === 'PRODUCT' ? `/api/v1/products/${id}` : template;
      const first = await shop.request('GET', path);
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
      expect(first.headers.get('cache-control')).toBe('public, max-age=2');

      const again = await shop.request('GET', path, { headers: { 'if-none-match': etag! } });
      expect(again.status).toBe(304);
      expect(again.body).toBeUndefined();
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe('public, max-age=2');
      expect((await shop.request('GET', path, { headers: { 'if-none-match': '"not-it"' } })).status).toBe(200);
    },
  );

  it('gives a new tag when the price, the name or the stock changes', async () => {
    const path = `/api/v1/products/${id}`;
    const tags = [(await shop.request('GET', path)).headers.get('etag')];
    const changes = [
      ['PATCH', path, { priceCents: 1100 }],
      ['PATCH', path, { name: 'Renamed mug' }],
      ['POST', `${path}/restock`, { quantity: 1 }],
    ] as const;
    for (const [method, changed, body] of changes) {
      expect((await shop.request(method, changed, { token: admin, body })).status).toBe(200);
      const read = await shop.request('GET', path, { headers: { 'if-none-match': tags.at(-1)! } });
      expect(read.status).toBe(200);
      tags.push(read.headers.get('etag'));
    }
    expect(new Set(tags).size).toBe(4);
    const list = await shop.request('GET', '/api/v1/products?q=ETAG');
    expect(list.body.items[0]).toMatchObject({ priceCents: 1100, name: 'Renamed mug', stock: 6 });
  });

  it('leaves writes and unknown products without caching headers', async () => {
    const missing = await shop.request('GET', '/api/v1/products/no-such-product');
    expect(missing.status).toBe(404);
    expect([missing.headers.get('etag'), missing.headers.get('cache-control')]).toEqual([null, null]);
    const patched = await shop.request('PATCH', `/api/v1/products/${id}`, { token: admin, body: { priceCents: 1200 } });
    expect(patched.headers.get('etag')).toBeNull();
  });
});

describe('CATALOG_MAX_AGE=0 (monolith)', () => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop({ CATALOG_MAX_AGE: '0' });
  });
  afterAll(() => shop?.stop());

  it('tells every cache not to store catalog reads, and still answers If-None-Match', async () => {
    const first = await shop.request('GET', '/api/v1/products');
    expect(first.headers.get('cache-control')).toBe('no-store');
    const etag = first.headers.get('etag')!;
    expect((await shop.request('GET', '/api/v1/products', { headers: { 'if-none-match': etag } })).status).toBe(304);
  });
});
