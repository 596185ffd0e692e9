import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, type ApiResponse } from '../support/http.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import type { BackendFactory } from '../support/backends.js';

let sequence = 0;
const product = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  sku: `BATCH-${++sequence}`,
  name: `Batch product ${sequence}`,
  priceCents: 250,
  currency: 'USD',
  stock: 3,
  ...overrides,
});
const products = (count: number, overrides: (i: number) => Record<string, unknown> = () => ({})) =>
  Array.from({ length: count }, (_, i) => product(overrides(i)));

/** POST /api/v1/products/batch (API.md "Catalog"), against one database backend. */
export function describeBatch(label: string, backend: BackendFactory): void {
  describe(`product batches on ${label}`, () => {
    let shop: TestShop;
    let cleanup: () => Promise<void>;
    let admin: string;
    const post = (body: unknown, token = admin) => shop.request('POST', '/api/v1/products/batch', { token, body });
    const total = async () => {
      let count = 0;
      let cursor: string | null = null;
      do {
        const page: ApiResponse = await shop.request(
          'GET',
          `/api/v1/products?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        );
        count += page.body.items.length;
        cursor = page.body.nextCursor;
      } while (cursor);
      return count;
    };

    beforeAll(async () => {
      const setup = await backend();
      cleanup = setup.cleanup;
      shop = await startTestShop(setup.env);
      admin = await shop.adminToken();
    });
    afterAll(async () => {
      await shop?.stop();
      await cleanup?.();
    });

    it('creates every product with 201 and their ids in the order given', async () => {
      const sent = products(3, (i) => ({ description: i === 1 ? 'middle' : undefined, stock: i }));
      const response = await post({ products: sent });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ created: 3, ids: [expect.any(String), expect.any(String), expect.any(String)] });
      for (const [i, id] of (response.body.ids as string[]).entries()) {
        const fetched = await shop.request('GET', `/api/v1/products/${id}`);
        expect(fetched.body).toMatchObject({ ...sent[i], description: sent[i].description ?? null, id });
      }
    });

    it('creates nothing when one sku is taken, naming it (409 sku_taken)', async () => {
      const before = await total();
      const [existing] = products(1);
      expect((await post({ products: [existing] })).status).toBe(201);
      const response = await post({ products: [...products(5), { ...product(), sku: existing.sku }, ...products(5)] });
      expectProblem(response, 409, 'sku_taken');
      expect(response.body.sku).toBe(existing.sku);
      expect(response.body.detail).toContain(existing.sku);
      expect(await total()).toBe(before + 1);
    });

    it('creates nothing when a sku appears twice in the batch, naming it', async () => {
      const before = await total();
      const twice = product();
      const response = await post({ products: [twice, ...products(3), { ...product(), sku: twice.sku }] });
      expectProblem(response, 409, 'sku_taken');
      expect(response.body.sku).toBe(twice.sku);
      expect(await total()).toBe(before);
    });

    it('lets exactly one of two racing batches with a common sku through', async () => {
      const before = await total();
      const shared = product();
      const answers = await Promise.all([
        post({ products: [...products(200), shared] }),
        post({ products: [shared, ...products(200)] }),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
      expect(await total()).toBe(before + 201);
    });

    it('rejects a bad item with 400 naming it by its index, and creates nothing', async () => {
      const before = await total();
      const batch = products(20);
      batch[17] = { ...batch[17], priceCents: -1 };
      batch[3] = { ...batch[3], sku: 'has space' };
      const response = await post({ products: batch });
      expectProblem(response, 400, 'validation_failed');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual([
        'products.3.sku',
        'products.17.priceCents',
      ]);
      expect(await total()).toBe(before);
    });

    it('takes 1 to 1000 products', async () => {
      for (const body of [{ products: [] }, { products: products(1001) }, {}, { products: product() }])
        expectProblem(await post(body), 400, 'validation_failed');
      const response = await post({ products: products(1000) });
      expect(response.status).toBe(201);
      expect(response.body.created).toBe(1000);
      expect(new Set(response.body.ids).size).toBe(1000);
    });

    it('accepts bodies up to 1 MB on this route only', async () => {
      const long = 'd'.repeat(1900);
      const big = { products: products(300, () => ({ description: long })) };
      const size = JSON.stringify(big).length;
      expect(size).toBeGreaterThan(500_000);
      expect((await post(big)).status).toBe(201);
      const single = { ...product(), description: long, padding: 'x'.repeat(150_000) };
      expectProblem(
        await shop.request('POST', '/api/v1/products', { token: admin, body: single }),
        413,
        'payload_too_large',
      );
      const huge = { products: products(600, () => ({ description: long })) };
      expect(JSON.stringify(huge).length).toBeGreaterThan(1_000_000);
      expectProblem(await post(huge), 413, 'payload_too_large');
    });

    it('is for admins only', async () => {
      const customer = await shop.customer();
      expectProblem(await post({ products: products(1) }, customer.token), 403, 'forbidden');
      expectProblem(
        await shop.request('POST', '/api/v1/products/batch', { body: { products: products(1) } }),
        401,
        'unauthorized',
      );
      expectProblem(
        await shop.request('POST', '/api/v1/products/batch', { token: admin, rawBody: '{"products":[' }),
        400,
        'malformed_json',
      );
    });
  });
}
