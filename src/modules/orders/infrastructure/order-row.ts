import type { Order, OrderStatus, SagaLease } from '../domain/order.js';
import type { OrderChange } from '../application/ports/orders-repository.port.js';

export const ORDERS_TABLE = 'orders';

export interface OrderRow {
  id: string;
  user_id: string;
  status: string;
  items: string;
  total_cents: number | string;
  currency: string;
  payment_id: string | null;
  payment_token: string | null;
  failure_code: string | null;
  attempts: number;
  lease_owner: string | null;
  lease_until: number | string;
  created_at: string;
  updated_at: string;
}

export const toRow = (order: Order, lease: SagaLease): OrderRow => ({
  id: order.id,
  user_id: order.userId,
  status: order.status,
  items: JSON.stringify(order.lines),
  total_cents: order.totalCents,
  currency: order.currency,
  payment_id: order.paymentId,
  payment_token: order.paymentToken,
  failure_code: order.failureCode,
  attempts: order.attempts,
  lease_owner: lease.owner,
  lease_until: lease.until,
  created_at: order.createdAt,
  updated_at: order.updatedAt,
});

// PostgreSQL returns bigint columns as strings.
export const fromRow = (row: OrderRow): Order => ({
  id: row.id,
  userId: row.user_id,
  status: row.status as OrderStatus,
  lines: JSON.parse(row.items) as Order['lines'],
  totalCents: Number(row.total_cents),
  currency: row.currency,
  paymentId: row.payment_id,
  paymentToken: row.payment_token,
  failureCode: row.failure_code,
  attempts: Number(row.attempts),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const COLUMNS = {
  status: 'status',
  paymentId: 'payment_id',
  paymentToken: 'payment_token',
  failureCode: 'failure_code',
  attempts: 'attempts',
  updatedAt: 'updated_at',
} as const;

export function changeToRow(change: OrderChange): Partial<OrderRow> {
  const row: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(COLUMNS)) {
    const value = change[field as keyof typeof COLUMNS];
    if (value !== undefined) row[column] = value;
  }
  if (change.lease) Object.assign(row, { lease_owner: change.lease.owner, lease_until: change.lease.until });
  return row as Partial<OrderRow>;
}
