import type { InjectionToken } from 'tsyringe';

/** The orders module's own series beside the platform's (infrastructure/orders-metrics.ts). */
export interface CheckoutMetrics {
  /** A checkout answered, by outcome: the order's status (confirmed, payment_pending) or the refusal code. */
  checkoutAnswered(outcome: string): void;
  /** A request answered with the stored answer of an earlier one under the same Idempotency-Key. */
  replayed(): void;
  /** How long one saga step took, and whether it resolved (ok) or threw (error). */
  sagaStepTook(step: string, outcome: 'ok' | 'error', seconds: number): void;
}

export const CHECKOUT_METRICS: InjectionToken<CheckoutMetrics> = Symbol('CHECKOUT_METRICS');
