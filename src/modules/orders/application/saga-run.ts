import type { Order } from '../domain/order.js';
import type { CheckoutOutcome } from './checkout-outcome.js';

/**
 * One drive of an order's saga: the order as the driver last saw it, the lease owner every
 * conditional change is checked against, and — for a live keyed checkout — the Idempotency-Key
 * whose final answer is stored in the same transaction as the change that decides it.
 */
export interface SagaRun {
  readonly order: Order;
  readonly owner: string;
  readonly key?: { readonly userId: string; readonly key: string };
}

/** Where a step left the order, and what a live checkout answers after it. */
export interface SagaStep {
  /** As the step left it, or as another driver has it when the order was taken over meanwhile. */
  order: Order;
  answer: CheckoutOutcome;
  /** True when `answer` was stored with the step's transition as the key's final response. */
  recorded: boolean;
}
