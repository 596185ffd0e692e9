import type { Order } from '../domain/order.js';
import type { CheckoutOutcome } from './checkout-outcome.js';
import type { IdempotencyCompletion } from './ports/orders-repository.port.js';

/**
 * One drive of an order's saga: the order as the driver last saw it, and the lease owner every
 * conditional change is checked against.
 */
export interface SagaRun {
  readonly order: Order;
  readonly owner: string;
  /**
   * Given by a driver that keeps the answer its drive decides (the idempotent checkout): what to
   * record with the change that decides `answer`, in that change's transaction (undefined: nothing).
   * The saga only hands it over.
   */
  readonly recordAnswer?: (answer: CheckoutOutcome) => IdempotencyCompletion | undefined;
}

/** Where a step left the order, and what a live checkout answers after it. */
export interface SagaResult {
  /** As the step left it, or as another driver has it when the order was taken over meanwhile. */
  order: Order;
  answer: CheckoutOutcome;
  /** True when another driver had taken the order over: nothing of this step was written. */
  takenOver: boolean;
}
