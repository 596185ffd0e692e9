import type { InjectionToken } from 'tsyringe';
import type { PendingEvent } from '../../../../platform/kernel/event.js';
import type { Payment } from '../../domain/payment.js';

export interface PaymentsRepository {
  /**
   * Stores `payment` and its events in one transaction, unless a payment with the same idempotency
   * key exists (the unique constraint decides, also between concurrent calls): then nothing is
   * written and the existing payment is returned.
   */
  insertOnce(payment: Payment, events: PendingEvent[]): Promise<Payment>;
  /**
   * Moves a captured payment to refunded and records its events in one transaction. Returns false,
   * writing nothing, when the payment was not captured any more (a concurrent refund won).
   */
  markRefunded(id: string, at: string, events: PendingEvent[]): Promise<boolean>;
  findById(id: string): Promise<Payment | undefined>;
  findByIdempotencyKey(key: string): Promise<Payment | undefined>;
}

export const PAYMENTS_REPOSITORY: InjectionToken<PaymentsRepository> = Symbol('PAYMENTS_REPOSITORY');
