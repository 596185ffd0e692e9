import type { CheckoutOutcome } from '../application/checkout-outcome.js';
import type { IdempotencyClaim, IdempotencyRecord } from '../application/ports/idempotency-store.port.js';

export const IDEMPOTENCY_TABLE = 'idempotency_keys';

export interface IdempotencyRow {
  user_id: string;
  key: string;
  request_hash: string;
  order_id: string;
  state: string;
  /** The final answer as JSON (completed records only). */
  outcome: string | null;
  created_at: number | string;
  expires_at: number | string;
}

export const claimParams = (claim: IdempotencyClaim) => [
  claim.userId,
  claim.key,
  claim.requestHash,
  claim.orderId,
  claim.createdAt,
  claim.expiresAt,
];

export const outcomeParam = (outcome: CheckoutOutcome): string => JSON.stringify(outcome);

// PostgreSQL returns bigint columns as strings.
export const fromIdempotencyRow = (row: IdempotencyRow): IdempotencyRecord => ({
  userId: row.user_id,
  key: row.key,
  requestHash: row.request_hash,
  orderId: row.order_id,
  state: row.state === 'completed' ? 'completed' : 'in_flight',
  outcome: row.state === 'completed' && row.outcome !== null ? (JSON.parse(row.outcome) as CheckoutOutcome) : undefined,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
});
