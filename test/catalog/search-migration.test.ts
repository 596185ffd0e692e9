import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { productsMigration } from '../../src/modules/catalog/migrations/0001_products.migration.js';
import { reservationsMigration } from '../../src/modules/catalog/migrations/0002_reservations.migration.js';
import { productSearchMigration } from '../../src/modules/catalog/migrations/0003_product_search.migration.js';
import { insertProducts } from '../../src/modules/catalog/infrastructure/product-inserts.js';
import { searchPostgres } from '../../src/modules/catalog/infrastructure/product-search.postgres.js';
import { searchSqlite } from '../../src/modules/catalog/infrastructure/product-search.sqlite.js';
import { openModuleDb } from '../../src/platform/db/module-db.js';
import type { ModuleDb } from '../../src/platform/kernel/database.js';
import { createTestDatabase, requirePostgres } from '../support/services.js';

const before = [productsMigration, reservationsMigration];
const at = (ms: number) => new Date(Date.UTC(2024, 0, 1) + ms).toISOString();
/** Rows written before search existed, in an insertion order unlike the list order, with ties. */
const legacy = [
  { id: 'c', sku: 'OLD-3', name: 'Teapot', at: 30 },
  { id: 'a', sku: 'OLD-1', name: 'Blue Teacup', at: 10 },
  { id: 'e', sku: 'OLD-5', name: 'Saucer', at: 10 },
  { id: 'b', sku: 'OLD-2', name: 'Tea towel', at: 20 },
  { id: 'd', sku: 'OLD-4', name: 'Kettle', at: 10 },
].map(({ at: ms, ...row }) => ({
  ...row,
  description: null,
  price_cents: 100,
  currency: 'USD',
  stock: 1,
  created_at: at(ms),
  updated_at: at(ms),
}));

async function migratedWithLegacyRows(db: ModuleDb) {
  await db.migrate(before);
  for (const row of legacy) await db.knex('products').insert(row);
  await db.migrate([...before, productSearchMigration]);
}

const contains = (text: string) => ({ kind: 'contains' as const, text });
const ids = (products: { id: string }[]) => products.map((product) => product.id);

describe('the search migration on an existing SQLite catalog', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'search-migration-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renumbers products in list order, indexes them, and keeps that order for later inserts', async () => {
    const db = await openModuleDb('catalog', { dataDir: dir });
    try {
      await migratedWithLegacyRows(db);
      const byPosition = await db.knex('products').orderBy('position').pluck('id');
      expect(byPosition).toEqual(['a', 'd', 'e', 'b', 'c']);
      expect(ids(await searchSqlite(db.sql, contains('tea'), undefined, 10))).toEqual(['a', 'b', 'c']);
      expect(ids(await searchSqlite(db.sql, { kind: 'word-start', text: 'ke' }, undefined, 10))).toEqual(['d']);
      expect(ids(await searchSqlite(db.sql, contains('tea'), { key: at(10), id: 'a' }, 10))).toEqual(['b', 'c']);
      // Written with a clock behind the last product: moved after it, so position and list order agree.
      const late = {
        id: '0',
        sku: 'NEW-1',
        name: 'Tea tin',
        description: null,
        priceCents: 1,
        currency: 'USD',
        stock: 1,
      };
      const outcome = await insertProducts(db.sql, 'sqlite', [{ ...late, createdAt: at(0), updatedAt: at(0) }]);
      expect(outcome).toEqual({ stored: [{ ...late, createdAt: at(31), updatedAt: at(31) }] });
      expect(ids(await searchSqlite(db.sql, contains('tea'), undefined, 10))).toEqual(['a', 'b', 'c', '0']);
    } finally {
      await db.close();
    }
  });
});

describe.runIf(await requirePostgres())('the search migration on an existing PostgreSQL catalog', () => {
  it('indexes the products already there', async () => {
    const database = await createTestDatabase('search_migration');
    const db = await openModuleDb('catalog', { dataDir: '', databaseUrl: database.url }, undefined, ['pg_trgm']);
    try {
      await migratedWithLegacyRows(db);
      expect(ids(await searchPostgres(db.knex, contains('tea'), undefined, 10))).toEqual(['a', 'b', 'c']);
      const indexes = await db.knex('pg_indexes').where({ tablename: 'products' }).pluck('indexname');
      expect(indexes).toEqual(
        expect.arrayContaining(['products_name_trgm_idx', 'products_sku_trgm_idx', 'products_words_trgm_idx']),
      );
    } finally {
      await db.close();
      await database.drop();
    }
  });
});
