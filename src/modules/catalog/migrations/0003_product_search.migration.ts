import type { Knex } from 'knex';
import { dialectOf } from '../../../platform/db/dialect.js';
import type { Migration } from '../../../platform/kernel/database.js';
import { SEARCH_SQL } from '../infrastructure/product-search.sql.js';

const { substrings, words, postgresWords } = SEARCH_SQL;
const COLUMNS = 'id, sku, name, description, price_cents, currency, stock, created_at, updated_at';

/**
 * SQLite. Products get an integer `position`, their place in the list order (created_at, id): the
 * table is rebuilt in that order, and inserts keep it (see infrastructure/product-inserts.ts). Two FTS5
 * indexes keyed by position, kept in step by triggers, return matches in list order, so a page
 * stops reading after its last row however many products match.
 */
async function sqliteUp(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE products_by_position (
    position INTEGER PRIMARY KEY,
    id varchar(36) NOT NULL, sku varchar(64) NOT NULL, name varchar(200) NOT NULL, description text,
    price_cents integer NOT NULL, currency varchar(3) NOT NULL, stock integer NOT NULL,
    created_at varchar(32) NOT NULL, updated_at varchar(32) NOT NULL,
    CONSTRAINT products_stock_nonnegative CHECK (stock >= 0))`);
  await knex.raw(
    `INSERT INTO products_by_position (${COLUMNS}) SELECT ${COLUMNS} FROM products ORDER BY created_at, id`,
  );
  await knex.raw('DROP TABLE products');
  await knex.raw('ALTER TABLE products_by_position RENAME TO products');
  await knex.raw('CREATE UNIQUE INDEX products_id_unique ON products (id)');
  await knex.raw('CREATE UNIQUE INDEX products_sku_unique ON products (sku)');
  await knex.raw('CREATE INDEX products_created_at_id_idx ON products (created_at, id)');
  const external = "content='products', content_rowid='position'";
  await knex.raw(
    `CREATE VIRTUAL TABLE ${substrings} USING fts5(name, sku, ${external}, tokenize='trigram case_sensitive 0 remove_diacritics 0')`,
  );
  // detail=none: a prefix query needs no positions, and the index stays small.
  await knex.raw(
    `CREATE VIRTUAL TABLE ${words} USING fts5(name, sku, ${external}, tokenize='unicode61 remove_diacritics 0', prefix='1 2', detail=none)`,
  );
  const add = (table: string, row: string) =>
    `INSERT INTO ${table} (rowid, name, sku) VALUES (${row}.position, ${row}.name, ${row}.sku);`;
  const remove = (table: string) =>
    `INSERT INTO ${table} (${table}, rowid, name, sku) VALUES ('delete', old.position, old.name, old.sku);`;
  await knex.raw(`CREATE TRIGGER products_search_insert AFTER INSERT ON products BEGIN
    ${add(substrings, 'new')} ${add(words, 'new')} END`);
  await knex.raw(`CREATE TRIGGER products_search_delete AFTER DELETE ON products BEGIN
    ${remove(substrings)} ${remove(words)} END`);
  // Only name and sku: stock moves with every reservation and must not touch the indexes.
  await knex.raw(`CREATE TRIGGER products_search_update AFTER UPDATE OF name, sku ON products BEGIN
    ${remove(substrings)} ${remove(words)} ${add(substrings, 'new')} ${add(words, 'new')} END`);
  await knex.raw(`INSERT INTO ${substrings} (${substrings}) VALUES ('rebuild')`);
  await knex.raw(`INSERT INTO ${words} (${words}) VALUES ('rebuild')`);
}

/** PostgreSQL: pg_trgm GIN indexes (the module declares the extension; the host creates it). */
async function postgresUp(knex: Knex): Promise<void> {
  const { rows } = await knex.raw<{ rows: { schema: string }[] }>(
    "SELECT n.nspname AS schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'",
  );
  if (rows.length === 0) throw new Error('catalog search needs the PostgreSQL extension pg_trgm');
  // The operator class lives in the extension's schema, which is not on the module's search path.
  const ops = `"${rows[0].schema.replaceAll('"', '""')}".gin_trgm_ops`;
  await knex.raw(`CREATE INDEX products_name_trgm_idx ON products USING gin (lower(name) ${ops})`);
  await knex.raw(`CREATE INDEX products_sku_trgm_idx ON products USING gin (lower(sku) ${ops})`);
  await knex.raw(`CREATE INDEX products_words_trgm_idx ON products USING gin (${postgresWords} ${ops})`);
}

/** Catalog search served by indexes on both databases (API.md "Catalog and data at scale"). */
export const productSearchMigration: Migration = {
  name: '0003_product_search',
  async up(knex) {
    await (dialectOf(knex) === 'postgres' ? postgresUp(knex) : sqliteUp(knex));
  },
  async down(knex) {
    if (dialectOf(knex) === 'postgres') {
      for (const index of ['products_name_trgm_idx', 'products_sku_trgm_idx', 'products_words_trgm_idx'])
        await knex.raw(`DROP INDEX IF EXISTS ${index}`);
      return;
    }
    for (const trigger of ['insert', 'delete', 'update'])
      await knex.raw(`DROP TRIGGER IF EXISTS products_search_${trigger}`);
    await knex.raw(`DROP TABLE IF EXISTS ${substrings}`);
    await knex.raw(`DROP TABLE IF EXISTS ${words}`);
  },
};
