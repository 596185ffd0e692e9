import type { InjectionToken } from 'tsyringe';
import type { CheckoutOutcome } from '../checkout-outcome.js';

/** What identifies a request under an Idempotency-Key and how long its record lives (epoch ms). */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  /** sha256 of the canonical request: a different body under the same key is refused. */
  requestHash: string;
  /** Chosen before the checkout starts, so a record left in flight can be matched to its order. */
  orderId: string;
  createdAt: number;
  expiresAt: number;
}

export interface IdempotencyRecord extends IdempotencyClaim {
  state: 'in_flight' | 'completed';
  /** The final answer, replayed for a retried request (completed records only). */
  outcome?: CheckoutOutcome;
}

/**
 * Idempotency records. Claiming a key in flight happens together with the order insert (see
 * OrdersRepository.insert), and completing it usually with the saga's change that decides the
 * answer (OrdersRepository.transition); this port covers everything else.
 */
export interface IdempotencyStore {
  find(userId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Records a refusal given before any order existed, as a completed record — unless the key is
   * taken (the unique constraint decides): resolves false then.
   */
  insertCompleted(claim: IdempotencyClaim, outcome: CheckoutOutcome): Promise<boolean>;
  complete(userId: string, key: string, outcome: CheckoutOutcome): Promise<void>;
  /**
   * Forgets the claim's in-flight record (the request failed in a way the client may simply retry);
   * a record of another request under the same key, if the claim never got in, is left alone.
   */
  release(claim: IdempotencyClaim): Promise<void>;
  /** Deletes the record only if it is still the one created at `createdAt`. */
  discard(userId: string, key: string, createdAt: number): Promise<boolean>;
  /** Deletes up to `limit` records expired before `now` (epoch ms); resolves how many. */
  purgeExpired(now: number, limit: number): Promise<number>;
}

export const IDEMPOTENCY_STORE: InjectionToken<IdempotencyStore> = Symbol('IDEMPOTENCY_STORE');
