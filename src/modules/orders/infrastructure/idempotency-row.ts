import type {
  IdempotencyClaim,
  IdempotencyRecord,
  StoredResponse,
} from '../application/ports/idempotency-store.port.js';

export const IDEMPOTENCY_TABLE = 'idempotency_keys';

export interface IdempotencyRow {
  user_id: string;
  key: string;
  request_hash: string;
  order_id: string;
  state: string;
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
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

export const responseParams = (response: StoredResponse) => [
  response.status,
  JSON.stringify(response.headers),
  response.body === undefined ? null : JSON.stringify(response.body),
];

// PostgreSQL returns bigint columns as strings.
export const fromIdempotencyRow = (row: IdempotencyRow): IdempotencyRecord => ({
  userId: row.user_id,
  key: row.key,
  requestHash: row.request_hash,
  orderId: row.order_id,
  state: row.state === 'completed' ? 'completed' : 'in_flight',
  response:
    row.state === 'completed'
      ? {
          status: Number(row.response_status),
          headers: JSON.parse(row.response_headers ?? '{}'),
          body: row.response_body === null ? undefined : JSON.parse(row.response_body),
        }
      : undefined,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
});
