/** The fixed statements of {@link InventorySqlRepository} (`?` placeholders; both dialects). */

const placeholders = (count: number, group: string) => Array.from({ length: count }, () => group).join(', ');
const memo = <T>(build: (count: number) => T) => {
  const cache = new Map<number, T>();
  return (count: number) => cache.get(count) ?? (cache.set(count, build(count)), cache.get(count)!);
};

export const SQL = {
  snapshots: memo(
    (count) =>
      `SELECT id, sku, name, price_cents, currency, stock FROM products WHERE id IN (${placeholders(count, '?')})`,
  ),
  existing: memo((count) => `SELECT id FROM products WHERE id IN (${placeholders(count, '?')})`),
  // The primary key decides which of two concurrent reserves for one order takes the stock.
  insertHold: `INSERT INTO reservations (order_id, status, expires_at, created_at, updated_at) VALUES (?, 'held', ?, ?, ?) ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
  insertReleased: `INSERT INTO reservations (order_id, status, expires_at, created_at, updated_at) VALUES (?, 'released', ?, ?, ?) ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
  insertLines: memo(
    (count) =>
      `INSERT INTO reservation_lines (order_id, product_id, quantity) VALUES ${placeholders(count, '(?, ?, ?)')}`,
  ),
  // Zero rows changed = not enough stock: the only way stock is ever taken.
  // bigint: an absurd quantity is simply more than there is, not a PostgreSQL integer overflow.
  take: `UPDATE products SET stock = stock - CAST(? AS bigint) WHERE id = ? AND stock >= CAST(? AS bigint)`,
  giveBack: `UPDATE products SET stock = stock + ? WHERE id = ?`,
  lines: `SELECT product_id, quantity FROM reservation_lines WHERE order_id = ?`,
  status: `SELECT status FROM reservations WHERE order_id = ?`,
  commit: `UPDATE reservations SET status = 'committed', updated_at = ? WHERE order_id = ? AND status = 'held'`,
  releaseHeld: `UPDATE reservations SET status = 'released', updated_at = ? WHERE order_id = ? AND status = 'held'`,
  releaseAny: `UPDATE reservations SET status = 'released', updated_at = ? WHERE order_id = ? AND status IN ('held', 'committed')`,
  lapsed: `SELECT order_id FROM reservations WHERE status = 'held' AND expires_at <= ? ORDER BY expires_at LIMIT ?`,
  /** Released before a time, oldest first (a range of reservations_status_updated_idx). */
  released: (skipLocked: boolean) =>
    `SELECT order_id FROM reservations WHERE status = 'released' AND updated_at < ?
    ORDER BY updated_at LIMIT ?${skipLocked ? ' FOR UPDATE SKIP LOCKED' : ''}`,
  /** A fixed number of placeholders (the list is padded), so there is one statement to prepare. */
  deleteLines: memo((count) => `DELETE FROM reservation_lines WHERE order_id IN (${placeholders(count, '?')})`),
  deleteReleased: memo(
    (count) => `DELETE FROM reservations WHERE order_id IN (${placeholders(count, '?')}) AND status = 'released'`,
  ),
};
