import type { IdempotencyClaim, StoredResponse } from './ports/idempotency-store.port.js';

/**
 * A keyed checkout's idempotency state while one request runs it. The checkout claims the key with
 * its order insert and stores the response with its deciding transition, so a keyed checkout costs
 * no extra round trip; the flags tell the caller what is left to do.
 */
export interface IdempotencyTicket {
  claim: IdempotencyClaim;
  /** The key is claimed in flight (with the order insert). */
  claimed: boolean;
  /** The response stored atomically with the saga's deciding transition, if it was. */
  recorded?: StoredResponse;
}
