import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeedDemoCatalogHandler } from '../../src/modules/catalog/application/seed-demo-catalog.handler.js';
import { CATALOG_API } from '../../src/modules/catalog/contract/catalog.contract.js';
import { expectProblem, type ApiResponse } from '../support/http.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import type { BackendFactory } from '../support/backends.js';

let skuSequence = 0;
const product = (overrides: Record<string, unknown> = {}) => ({
  sku: `SKU-${++skuSequence}`,
  name: `Product ${skuSequence}`,
  description: 'A fine thing',
  priceCents: 1999,
  currency: 'USD',
  stock: 10,
  ...overrides,
});

/** The products REST API of API.md ("Catalog"), against one database backend. */
export function describeProducts(label: string, backend: BackendFactory): void {
  describe(`products API on ${label}`, () => {
    let shop: TestShop;
    let cleanup: () => Promise<void>;
    let admin: string;
    let customer: string;

    const create = async (body: Record<string, unknown>) => {
      const response = await shop.request('POST', '/api/v1/products', { token: admin, body });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body;
    };

    beforeAll(async () => {
      const setup = await backend();
      cleanup = setup.cleanup;
      shop = await startTestShop(setup.env);
      [admin, customer] = await Promise.all([shop.adminToken(), shop.customer().then((c) => c.token)]);
    });
    afterAll(async () => {
      await shop?.stop();
      await cleanup?.();
    });

    it('creates a product with 201, a Location and the full representation', async () => {
      const body = product({ sku: 'tee-blk-m', name: 'Tee, black, M', priceCents: 2500, stock: 7 });
      const response = await shop.request('POST', '/api/v1/products', { token: admin, body });
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toBe(`/api/v1/products/${response.body.id}`);
      expect(response.body).toEqual({
        id: expect.any(String),
        sku: 'tee-blk-m',
        name: 'Tee, black, M',
        description: 'A fine thing',
        priceCents: 2500,
        currency: 'USD',
        stock: 7,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updatedAt: response.body.createdAt,
      });
      const fetched = await shop.request('GET', response.headers.get('location')!);
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(response.body);
    });

    it('stores a missing description as null', async () => {
      const { description, ...body } = product();
      expect((await create(body)).description).toBeNull();
    });

    it('refuses a second product with the same sku (409 sku_taken), even when both race', async () => {
      await create(product({ sku: 'DUP-1' }));
      expectProblem(
        await shop.request('POST', '/api/v1/products', { token: admin, body: product({ sku: 'DUP-1' }) }),
        409,
        'sku_taken',
      );
      const racing = await Promise.all(
        Array.from({ length: 10 }, () =>
          shop.request('POST', '/api/v1/products', { token: admin, body: product({ sku: 'DUP-2' }) }),
        ),
      );
      expect(racing.filter((r) => r.status === 201)).toHaveLength(1);
      expect(racing.filter((r) => r.status === 409 && r.body.code === 'sku_taken')).toHaveLength(9);
    });

    it('lets only admins write: 401 without a token, 403 for a customer', async () => {
      const { id } = await create(product());
      expectProblem(await shop.request('POST', '/api/v1/products', { body: product() }), 401, 'unauthorized');
      expectProblem(
        await shop.request('POST', '/api/v1/products', { token: customer, body: product() }),
        403,
        'forbidden',
      );
      expectProblem(
        await shop.request('PATCH', `/api/v1/products/${id}`, { token: customer, body: { name: 'x' } }),
        403,
        'forbidden',
      );
      expectProblem(
        await shop.request('POST', `/api/v1/products/${id}/restock`, { token: customer, body: { quantity: 1 } }),
        403,
        'forbidden',
      );
      expectProblem(
        await shop.request('POST', `/api/v1/products/${id}/restock`, { body: { quantity: 1 } }),
        401,
        'unauthorized',
      );
      // Reading is public, with or without a token.
      expect((await shop.request('GET', `/api/v1/products/${id}`, { token: customer })).status).toBe(200);
    });

    it.each([
      ['a sku with spaces', { sku: 'has space' }, 'sku'],
      ['an empty sku', { sku: '' }, 'sku'],
      ['a 65-character sku', { sku: 'A'.repeat(65) }, 'sku'],
      ['a lower-case currency', { currency: 'usd' }, 'currency'],
      ['a four-letter currency', { currency: 'USDX' }, 'currency'],
      ['a negative price', { priceCents: -1 }, 'priceCents'],
      ['a fractional price', { priceCents: 19.99 }, 'priceCents'],
      ['a price as a string', { priceCents: '1999' }, 'priceCents'],
      ['an absurd price', { priceCents: 100_000_001 }, 'priceCents'],
      ['negative stock', { stock: -1 }, 'stock'],
      ['fractional stock', { stock: 1.5 }, 'stock'],
      ['absurd stock', { stock: 1e12 }, 'stock'],
      ['a blank name', { name: '   ' }, 'name'],
      ['a 201-character name', { name: 'n'.repeat(201) }, 'name'],
      ['a 2001-character description', { description: 'd'.repeat(2001) }, 'description'],
      ['no name', { name: undefined }, 'name'],
    ])('rejects %s with 400 naming the field', async (_case, overrides, path) => {
      const response = await shop.request('POST', '/api/v1/products', { token: admin, body: product(overrides) });
      expectProblem(response, 400, 'validation_failed');
      expect(response.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    });

    it('answers 404 not_found for an unknown product', async () => {
      expectProblem(await shop.request('GET', '/api/v1/products/no-such-product'), 404, 'not_found');
      expectProblem(
        await shop.request('PATCH', '/api/v1/products/no-such-product', { token: admin, body: { name: 'x' } }),
        404,
        'not_found',
      );
      expectProblem(
        await shop.request('POST', '/api/v1/products/no-such-product/restock', { token: admin, body: { quantity: 1 } }),
        404,
        'not_found',
      );
    });

    it('patches name, description and price, and nothing else', async () => {
      const created = await create(product({ priceCents: 1000, stock: 4 }));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const response = await shop.request('PATCH', `/api/v1/products/${created.id}`, {
        token: admin,
        body: { name: 'Renamed', priceCents: 1250, description: null },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        id: created.id,
        sku: created.sku,
        name: 'Renamed',
        description: null,
        priceCents: 1250,
        stock: 4,
        createdAt: created.createdAt,
      });
      expect(response.body.updatedAt > created.updatedAt).toBe(true);
      expect((await shop.request('GET', `/api/v1/products/${created.id}`)).body).toEqual(response.body);

      expectProblem(
        await shop.request('PATCH', `/api/v1/products/${created.id}`, { token: admin, body: {} }),
        400,
        'validation_failed',
      );
      expectProblem(
        await shop.request('PATCH', `/api/v1/products/${created.id}`, { token: admin, body: { stock: 100 } }),
        400,
        'validation_failed',
      );
      expectProblem(
        await shop.request('PATCH', `/api/v1/products/${created.id}`, { token: admin, body: { priceCents: -5 } }),
        400,
        'validation_failed',
      );
      expectProblem(
        await shop.request('PATCH', `/api/v1/products/${created.id}`, { token: admin, rawBody: '{"name":' }),
        400,
        'malformed_json',
      );
      expect((await shop.request('GET', `/api/v1/products/${created.id}`)).body).toMatchObject({
        name: 'Renamed',
        priceCents: 1250,
        stock: 4,
      });
    });

    it('restocks by a positive quantity and returns the product', async () => {
      const created = await create(product({ stock: 3 }));
      const response = await shop.request('POST', `/api/v1/products/${created.id}/restock`, {
        token: admin,
        body: { quantity: 5 },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: created.id, stock: 8 });
      const concurrent = await Promise.all(
        Array.from({ length: 10 }, () =>
          shop.request('POST', `/api/v1/products/${created.id}/restock`, { token: admin, body: { quantity: 2 } }),
        ),
      );
      expect(concurrent.every((r) => r.status === 200)).toBe(true);
      expect((await shop.request('GET', `/api/v1/products/${created.id}`)).body.stock).toBe(28);
      for (const quantity of [0, -1, 1.5, '3']) {
        expectProblem(
          await shop.request('POST', `/api/v1/products/${created.id}/restock`, { token: admin, body: { quantity } }),
          400,
          'validation_failed',
        );
      }
      expectProblem(
        await shop.request('POST', `/api/v1/products/${created.id}/restock`, {
          token: admin,
          body: { quantity: 100_000_000 },
        }),
        400,
        'validation_failed',
      );
      expect((await shop.request('GET', `/api/v1/products/${created.id}`)).body.stock).toBe(28);
    });

    it('shows as stock what can still be bought: on hand minus held', async () => {
      const created = await create(product({ stock: 10 }));
      const catalog = shop.host.container.resolve(CATALOG_API);
      await catalog.reserve({ orderId: `order-${created.id}`, lines: [{ productId: created.id, quantity: 3 }] });
      expect((await shop.request('GET', `/api/v1/products/${created.id}`)).body.stock).toBe(7);
      await catalog.releaseReservation({ orderId: `order-${created.id}` });
      expect((await shop.request('GET', `/api/v1/products/${created.id}`)).body.stock).toBe(10);
    });

    describe('listing', () => {
      const prefix = `LIST-${Date.now()}`;
      const created: { id: string; sku: string }[] = [];

      beforeAll(async () => {
        for (let i = 0; i < 25; i++) {
          created.push(
            await create(
              product({ sku: `${prefix}-${i}`, name: i % 5 === 0 ? `Blue Widget ${i}` : `Gadget ${i}`, stock: i }),
            ),
          );
        }
      });

      const walk = async (query: string) => {
        const ids: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const response: ApiResponse = await shop.request(
            'GET',
            `/api/v1/products?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          expect(response.status).toBe(200);
          ids.push(...response.body.items.map((item: { id: string }) => item.id));
          cursor = response.body.nextCursor;
          pages++;
        } while (cursor && pages < 100);
        return { ids, pages };
      };

      it('walks every product exactly once, in a stable order, with cursors', async () => {
        const all = await shop.request('GET', '/api/v1/products?limit=100');
        const total = all.body.items.length;
        expect(total).toBeGreaterThanOrEqual(25);
        const { ids, pages } = await walk('limit=7');
        expect(ids).toHaveLength(total);
        expect(new Set(ids).size).toBe(total);
        expect(ids).toEqual(all.body.items.map((item: { id: string }) => item.id));
        expect(pages).toBe(Math.ceil(total / 7));
        const ours = ids.filter((id) => created.some((c) => c.id === id));
        expect(ours).toEqual(created.map((c) => c.id));
      });

      it('defaults to 20 items and ends with a null cursor', async () => {
        const first = await shop.request('GET', '/api/v1/products');
        expect(first.body.items).toHaveLength(20);
        expect(first.body.nextCursor).toEqual(expect.any(String));
        const last = await shop.request(
          'GET',
          `/api/v1/products?limit=100&cursor=${encodeURIComponent(first.body.nextCursor)}`,
        );
        expect(last.body.nextCursor).toBeNull();
      });

      it('filters by q on the name or the sku, case-insensitively', async () => {
        const byName = await walk(`q=bLuE%20wIdGeT&limit=2`);
        expect(byName.ids).toEqual(created.filter((_, i) => i % 5 === 0).map((c) => c.id));
        const bySku = await walk(`q=${prefix.toLowerCase()}-2&limit=100`);
        // LIST-…-2 and LIST-…-20 … LIST-…-24
        expect(bySku.ids).toEqual([2, 20, 21, 22, 23, 24].map((i) => created[i].id));
        const none = await shop.request('GET', '/api/v1/products?q=%25');
        expect(none.body).toEqual({ items: [], nextCursor: null });
        const underscore = await shop.request('GET', `/api/v1/products?q=${encodeURIComponent(`${prefix}_1`)}`);
        expect(underscore.body.items).toEqual([]);
      });

      it('rejects a bad limit, cursor or q with 400', async () => {
        for (const query of [
          'limit=0',
          'limit=101',
          'limit=abc',
          'cursor=not-a-cursor',
          `q=${'x'.repeat(101)}`,
          'q=a&q=b',
        ]) {
          expectProblem(await shop.request('GET', `/api/v1/products?${query}`), 400, 'validation_failed');
        }
      });
    });
  });

  describe(`demo catalog on ${label}`, () => {
    let shop: TestShop;
    let cleanup: () => Promise<void>;

    beforeAll(async () => {
      const setup = await backend();
      cleanup = setup.cleanup;
      shop = await startTestShop({ ...setup.env, SEED_DEMO_CATALOG: 'true' });
    });
    afterAll(async () => {
      await shop?.stop();
      await cleanup?.();
    });

    it('seeds a dozen products into an empty catalog, once', async () => {
      const listed = await shop.request('GET', '/api/v1/products?limit=100');
      expect(listed.body.items).toHaveLength(12);
      expect(
        listed.body.items.every(
          (p: { currency: string; stock: number; priceCents: number }) =>
            p.currency === 'USD' && p.stock > 0 && p.priceCents > 0,
        ),
      ).toBe(true);
      expect(new Set(listed.body.items.map((p: { sku: string }) => p.sku)).size).toBe(12);
      expect(listed.body.items[0].sku).toBe('TEE-CLASSIC-BLK-M');
      // Starting again on a catalog with products in it seeds nothing.
      expect(await shop.host.modules.get('catalog')!.container.resolve(SeedDemoCatalogHandler).execute()).toBe(0);
      expect((await shop.request('GET', '/api/v1/products?limit=100')).body.items).toHaveLength(12);
    });
  });
}
