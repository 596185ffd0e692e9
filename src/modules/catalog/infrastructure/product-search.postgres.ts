import type { Knex } from 'knex';
import type { Cursor } from '../../../platform/kernel/pagination.js';
import type { ProductSearch } from '../domain/product-search.js';
import { productListQuery } from './product-list.query.js';
import { toProduct, type ProductRow } from './product-row.js';
import { SEARCH_SQL } from './product-search.sql.js';

/** `text` lower-cased for a LIKE pattern, its own \, % and _ taken literally. */
const literal = (text: string) => text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Catalog search on PostgreSQL: the list query with a condition pg_trgm's GIN indexes serve
 * (products_name_trgm_idx, products_sku_trgm_idx, products_words_trgm_idx); the planner chooses
 * between them and walking the list order, which wins when matches are many.
 */
export async function searchPostgres(
  knex: Knex,
  search: Exclude<ProductSearch, { kind: 'nothing' }>,
  after: Cursor | undefined,
  take: number,
) {
  const query = productListQuery(knex, take, after);
  if (search.kind === 'contains') {
    const pattern = `%${literal(search.text)}%`;
    query.where((where) =>
      where
        .whereRaw("lower(name) like ? escape '\\'", [pattern])
        .orWhereRaw("lower(sku) like ? escape '\\'", [pattern]),
    );
  } else {
    query.whereRaw(`${SEARCH_SQL.postgresWords} like ? escape '\\'`, [`% ${literal(search.text)}%`]);
  }
  return ((await query) as ProductRow[]).map(toProduct);
}
