import type { InjectionToken } from 'tsyringe';
import type { PendingEvent } from '../../../../platform/kernel/event.js';
import type { Payment } from '../../domain/payment.js';

/** A charge at the provider: whose it is, and until when (epoch ms) the others take its word for it. */
export interface ChargeClaim {
  idempotencyKey: string;
  owner: string;
  until: number;
}

export interface PaymentsRepository {
  /**
   * Stores `payment` and its events in one transaction, unless a payment with the same idempotency
   * key exists (the unique constraint decides, also between concurrent calls): then nothing is
   * written and the existing payment is returned. The same transaction ends `claim`, if still held.
   */
  insertOnce(payment: Payment, events: PendingEvent[], claim?: ChargeClaim): Promise<Payment>;
  /**
   * Claims the key for a charge at the provider, also against other instances: true when the claim
   * now holds it (nobody did, or the last claim ran out before `now`: its process died or its
   * provider call hung).
   */
  claimCharge(claim: ChargeClaim, now: number): Promise<boolean>;
  /** True while a claim on the key has not run out: its charge is still at the provider. */
  isCharging(idempotencyKey: string, now: number): Promise<boolean>;
  /** Ends the claim without an outcome (the provider failed), unless another has taken it over. */
  releaseCharge(claim: ChargeClaim): Promise<void>;
  /**
   * Deletes up to `limit` claims that ran out before `now` (left by a process that died mid-charge,
   * for keys nobody asked about again); resolves how many.
   */
  purgeExpiredClaims(now: number, limit: number): Promise<number>;
  /**
   * Moves a captured payment to refunded and records its events in one transaction. Returns false,
   * writing nothing, when the payment was not captured any more (a concurrent refund won).
   */
  markRefunded(id: string, at: string, events: PendingEvent[]): Promise<boolean>;
  findById(id: string): Promise<Payment | undefined>;
  findByIdempotencyKey(key: string): Promise<Payment | undefined>;
}

export const PAYMENTS_REPOSITORY: InjectionToken<PaymentsRepository> = Symbol('PAYMENTS_REPOSITORY');
