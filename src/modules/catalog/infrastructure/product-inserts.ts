import { isUniqueViolation } from '../../../platform/db/unique-violation.js';
import type { Dialect, SqlRunner, SqlSession } from '../../../platform/kernel/database.js';
import type { InsertOutcome } from '../application/ports/products.repository.port.js';
import type { Product } from '../domain/product.js';
import { PRODUCT_COLUMNS, toRow } from './product-row.js';

/** Rows per INSERT statement: a statement holds SQLite's (synchronous) connection for a few ms at most. */
const ROWS_PER_STATEMENT = 50;
/** Skus per look-up; the last group is padded by repeating a sku, so there is one statement to prepare. */
const SKUS_PER_LOOKUP = 100;

const memo = <T>(build: (count: number) => T) => {
  const cache = new Map<number, T>();
  return (count: number) => cache.get(count) ?? (cache.set(count, build(count)), cache.get(count)!);
};
const insertRows = memo(
  (count) =>
    `INSERT INTO products (${PRODUCT_COLUMNS.join(', ')}) VALUES ${Array.from({ length: count }, () => `(${PRODUCT_COLUMNS.map(() => '?').join(', ')})`).join(', ')}`,
);
const FIND_SKUS = `SELECT sku FROM products WHERE sku IN (${Array.from({ length: SKUS_PER_LOOKUP }, () => '?').join(', ')})`;
const LAST_IN_ORDER = 'SELECT created_at, id FROM products ORDER BY position DESC LIMIT 1';

const byListOrder = (a: Product, b: Product) =>
  a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function takenSkus(db: SqlSession, skus: readonly string[]): Promise<Set<string>> {
  const taken = new Set<string>();
  for (let i = 0; i < skus.length; i += SKUS_PER_LOOKUP) {
    const group = skus.slice(i, i + SKUS_PER_LOOKUP);
    const padded = [...group, ...Array<string>(SKUS_PER_LOOKUP - group.length).fill(group[0])];
    for (const row of (await db.query<{ sku: string }>(FIND_SKUS, padded)).rows) taken.add(row.sku);
  }
  return taken;
}

/**
 * SQLite keeps products in list order by position (the FTS5 indexes return matches by position):
 * rows go in sorted by (createdAt, id), and a batch that would sort before the last product is
 * moved to the millisecond after it. Inserts are serialised (one writer), so this holds for good.
 */
async function inListOrder(tx: SqlSession, products: Product[]): Promise<Product[]> {
  const sorted = [...products].sort(byListOrder);
  const [last] = (await tx.query<{ created_at: string; id: string }>(LAST_IN_ORDER)).rows;
  const first = sorted[0];
  if (!last || first.createdAt > last.created_at || (first.createdAt === last.created_at && first.id > last.id))
    return sorted;
  const shift = Date.parse(last.created_at) + 1 - Date.parse(first.createdAt);
  return sorted.map((product) => {
    const createdAt = new Date(Date.parse(product.createdAt) + shift).toISOString();
    return { ...product, createdAt, updatedAt: product.updatedAt > createdAt ? product.updatedAt : createdAt };
  });
}

/**
 * Inserts a batch of products in one transaction, a few rows per statement with a turn of the event
 * loop between them, so that a thousand products never hold the process for long.
 */
export async function insertProducts(
  sql: SqlRunner,
  dialect: Dialect,
  products: Product[],
  { skipTaken = false } = {},
): Promise<InsertOutcome> {
  const skus = products.map((product) => product.sku);
  try {
    return await sql.transaction(async (tx) => {
      const taken = await takenSkus(tx, skus);
      if (taken.size > 0 && !skipTaken) return { skuTaken: skus.find((sku) => taken.has(sku))! };
      const fresh = products.filter((product) => !taken.has(product.sku));
      const rows = dialect === 'sqlite' && fresh.length > 0 ? await inListOrder(tx, fresh) : fresh;
      for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
        if (i > 0) await nextTick();
        const chunk = rows.slice(i, i + ROWS_PER_STATEMENT).map(toRow);
        await tx.query(
          insertRows(chunk.length),
          chunk.flatMap((row) => PRODUCT_COLUMNS.map((column) => row[column as keyof typeof row])),
        );
      }
      const stored = new Map(rows.map((product) => [product.id, product]));
      return { stored: fresh.map((product) => stored.get(product.id)!) };
    });
  } catch (error) {
    // Another transaction took one of the skus between the look-up and the insert (PostgreSQL).
    if (!isUniqueViolation(error)) throw error;
    if (skipTaken) return { stored: [] };
    const taken = await takenSkus(sql, skus);
    return { skuTaken: skus.find((sku) => taken.has(sku)) ?? skus[0] };
  }
}
