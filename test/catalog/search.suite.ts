import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../support/http.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import type { BackendFactory } from '../support/backends.js';

interface Listed {
  id: string;
  sku: string;
  name: string;
}

const NAMES = [
  'Blue Widget',
  'Gadget, Widget-Pro',
  'Straße Tasse',
  'Mug "Quoted"',
  '100% Cotton_Tee',
  'Tee, black, M',
  'Widgetless Box',
  'Ölkanne 2L',
  'Lamp (Big)',
  'dge Edge',
];

/** What API.md says `q` matches, computed from the whole list: the oracle every search is checked against. */
const words = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
export const matches = (product: Listed, q: string): boolean => {
  const needle = q.toLowerCase();
  if ([...q].length >= 3) return [product.name, product.sku].some((field) => field.toLowerCase().includes(needle));
  if (!/^[\p{L}\p{N}]+$/u.test(q)) return false;
  return [...words(product.name), ...words(product.sku)].some((word) => word.startsWith(needle));
};

/** Catalog search (`q`) as API.md "Catalog and data at scale" defines it, against one database backend. */
export function describeSearch(label: string, backend: BackendFactory): void {
  describe(`catalog search on ${label}`, () => {
    let shop: TestShop;
    let cleanup: () => Promise<void>;
    let admin: string;

    /** Every item of a list, page by page; the pages must be consistent with each other. */
    const walk = async (query: string, limit = 100) => {
      const items: Listed[] = [];
      let cursor: string | null = null;
      do {
        const response: ApiResponse = await shop.request(
          'GET',
          `/api/v1/products?limit=${limit}&${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        items.push(...response.body.items);
        cursor = response.body.nextCursor;
      } while (cursor);
      return items;
    };
    const search = (q: string, limit = 100) => walk(`q=${encodeURIComponent(q)}`, limit);
    const ids = (items: Listed[]) => items.map((item) => item.id);
    const expectOracle = async (all: Listed[], q: string) =>
      expect(ids(await search(q)), `q=${q}`).toEqual(ids(all.filter((product) => matches(product, q))));

    const batch = async (products: object[]) => {
      const response = await shop.request('POST', '/api/v1/products/batch', { token: admin, body: { products } });
      expect(response.status, JSON.stringify(response.body)).toBe(201);
      return response.body.ids as string[];
    };
    const product = (sku: string, name: string) => ({ sku, name, priceCents: 100, currency: 'USD', stock: 5 });

    beforeAll(async () => {
      const setup = await backend();
      cleanup = setup.cleanup;
      shop = await startTestShop(setup.env);
      admin = await shop.adminToken();
      await batch(NAMES.map((name, i) => product(`SKU-${String(i).padStart(3, '0')}-X${i % 3}`, name)));
      for (const [i, name] of NAMES.entries()) {
        const body = product(`ONE-${i}_Z`, `${name} again`);
        expect((await shop.request('POST', '/api/v1/products', { token: admin, body })).status).toBe(201);
      }
    });
    afterAll(async () => {
      await shop?.stop();
      await cleanup?.();
    });

    it('finds 3 characters or more anywhere in the name or the sku, case-insensitively, in list order', async () => {
      const all = await walk('');
      expect(all).toHaveLength(NAMES.length * 2);
      for (const q of ['widget', 'WIDG', 'dge', 'et-p', '100%', 'n_t', '"qu', 'ße t', 'sku-00', 'KU-0', 'e 2l', 'g (b'])
        await expectOracle(all, q);
      expect((await search('widget')).length).toBe(6);
      expect(await search('zzz')).toEqual([]);
      expect(await search('%%%')).toEqual([]);
    });

    it('matches the start of a word of the name or the sku with 1 or 2 letters or digits', async () => {
      const all = await walk('');
      for (const q of ['w', 'Wi', 'dg', 'g', '1', '10', 'x1', 'z', 'st', 'ß', 'öl', 'M', 'p'])
        await expectOracle(all, q);
      // "dge Edge" starts a word with dg; "Gadget" and "Widget" only contain it.
      expect((await search('dg')).map((item) => item.name)).toEqual(['dge Edge', 'dge Edge again']);
      for (const q of ['%', '_', '-', 'a-', ' "']) expect(await search(q), `q=${q}`).toEqual([]);
    });

    it('pages through search results with cursors, each product once, in list order', async () => {
      const whole = await search('t', 100);
      expect(whole.length).toBeGreaterThan(5);
      expect(ids(await search('t', 2))).toEqual(ids(whole));
      const substrings = await search('get', 100);
      expect(ids(await search('get', 1))).toEqual(ids(substrings));
    });

    it('keeps the index in step with renames, and with stock moving', async () => {
      const [id] = await batch([product('RENAME-1', 'Quokka Plush')]);
      expect(ids(await search('quokka'))).toEqual([id]);
      const renamed = await shop.request('PATCH', `/api/v1/products/${id}`, { token: admin, body: { name: 'Wombat' } });
      expect(renamed.status).toBe(200);
      expect(await search('quokka')).toEqual([]);
      expect(ids(await search('wombat'))).toEqual([id]);
      expect(ids(await search('wo'))).toEqual([id]);
      await shop.request('POST', `/api/v1/products/${id}/restock`, { token: admin, body: { quantity: 3 } });
      expect((await search('wombat')).map((item) => ({ id: item.id, stock: (item as never)['stock'] }))).toEqual([
        { id, stock: 8 },
      ]);
    });

    it('answers searches over ten thousand products exactly as the whole list filtered', async () => {
      const colours = ['red', 'navy', 'olive', 'teal', 'amber', 'plum', 'ivory', 'coral'];
      const things = ['scarf', 'mug', 'lamp', 'sock', 'vase', 'towel', 'kettle', 'notebook', 'wallet', 'pillow'];
      for (let b = 0; b < 10; b++) {
        await batch(
          Array.from({ length: 1000 }, (_, i) => {
            const n = b * 1000 + i;
            return product(`BULK-${n}`, `${colours[n % 8]} ${things[(n * 7) % 10]} no. ${n}`);
          }),
        );
      }
      const all = await walk('');
      expect(all.length).toBe(NAMES.length * 2 + 1 + 10_000);
      for (const q of ['bulk-12', 'teal kettle', 'o. 999', 'wallet no. 47', 'nothing like it', 'ivo', 'k-99', 'bu'])
        await expectOracle(all, q);
    }, 120_000);
  });
}
