import { ORDERS_TABLE, type OrderRow } from './order-row.js';

const ORDER_COLUMNS: Array<keyof OrderRow> = [
  'id',
  'user_id',
  'status',
  'items',
  'total_cents',
  'currency',
  'payment_id',
  'payment_token',
  'failure_code',
  'attempts',
  'lease_owner',
  'lease_until',
  'created_at',
  'updated_at',
];

const placeholders = (count: number) => Array(count).fill('?').join(', ');

/** The hot-path statements of the orders module (`?` placeholders, portable SQL). */
export const SQL = {
  orderColumns: ORDER_COLUMNS,
  insertOrder: `INSERT INTO ${ORDERS_TABLE} (${ORDER_COLUMNS.join(', ')}) VALUES (${placeholders(ORDER_COLUMNS.length)})`,
  findOrder: `SELECT * FROM ${ORDERS_TABLE} WHERE id = ?`,
  /** A conditional transition; the SET list depends on what changes, so statements are built per shape. */
  transition: (columns: readonly string[], checkOwner: boolean) =>
    `UPDATE ${ORDERS_TABLE} SET ${columns.map((column) => `${column} = ?`).join(', ')} WHERE id = ? AND status = ?${checkOwner ? ' AND lease_owner = ?' : ''}`,
  claimIdempotency: `INSERT INTO idempotency_keys (user_id, "key", request_hash, order_id, state, created_at, expires_at) VALUES (?, ?, ?, ?, 'in_flight', ?, ?) ON CONFLICT (user_id, "key") DO NOTHING`,
  insertCompletedIdempotency: `INSERT INTO idempotency_keys (user_id, "key", request_hash, order_id, state, created_at, expires_at, outcome) VALUES (?, ?, ?, ?, 'completed', ?, ?, ?) ON CONFLICT (user_id, "key") DO NOTHING`,
  findIdempotency: `SELECT * FROM idempotency_keys WHERE user_id = ? AND "key" = ?`,
  completeIdempotency: `UPDATE idempotency_keys SET state = 'completed', outcome = ? WHERE user_id = ? AND "key" = ?`,
};
