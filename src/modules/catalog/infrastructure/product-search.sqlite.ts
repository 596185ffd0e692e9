import type { SqlRunner } from '../../../platform/kernel/database.js';
import type { Cursor } from '../../../platform/kernel/pagination.js';
import type { ProductSearch } from '../domain/product-search.js';
import { PRODUCT_COLUMNS, toProduct, type ProductRow } from './product-row.js';
import { SEARCH_SQL } from './product-search.sql.js';

/** The position of the last product at or before the cursor (0: none), through products_created_at_id_idx. */
const AFTER = `coalesce((SELECT position FROM products WHERE (created_at, id) <= (?, ?)
  ORDER BY created_at DESC, id DESC LIMIT 1), 0)`;

/**
 * FTS5 returns matches by rowid, which is the product's position in list order, so the join reads
 * only the rows of the page: a search costs the same whether it matches one product or a million.
 */
const pageOf = (index: string) =>
  `SELECT ${PRODUCT_COLUMNS.map((column) => `p.${column}`).join(', ')}
  FROM ${index} s JOIN products p ON p.position = s.rowid
  WHERE ${index} MATCH ? AND s.rowid > ${AFTER} ORDER BY s.rowid LIMIT ?`;

const STATEMENTS = { contains: pageOf(SEARCH_SQL.substrings), 'word-start': pageOf(SEARCH_SQL.words) };

/** An FTS5 string: the text taken literally (a phrase), its quotes doubled. */
const phrase = (text: string) => `"${text.replaceAll('"', '""')}"`;

/** Catalog search on SQLite: trigram phrases for substrings, prefix queries for word starts. */
export async function searchSqlite(
  sql: SqlRunner,
  search: Exclude<ProductSearch, { kind: 'nothing' }>,
  after: Cursor | undefined,
  take: number,
) {
  const match = search.kind === 'contains' ? phrase(search.text) : `${phrase(search.text)}*`;
  const { rows } = await sql.query<ProductRow>(STATEMENTS[search.kind], [
    match,
    after?.key ?? '',
    after?.id ?? '',
    take,
  ]);
  return rows.map(toProduct);
}
