import type { PaymentView } from '../../payments/contract/payments.contract.js';
import type { OrderStatus } from '../domain/order.js';
import type { CheckoutOutcome } from './checkout-outcome.js';
import type { InProgress, Unknown } from './dependency-outcome.js';
import type { SagaResult } from './saga-run.js';
import type { CompensatedStep, SagaStep } from './saga-runner.js';

/** Where a deferred order waits (by default its current status), and what the live checkout answers meanwhile. */
export interface DeferOptions {
  status?: OrderStatus;
  answer?: CheckoutOutcome;
  /** The other side said it is still at it (IN_PROGRESS): ask again soon, it is no failure. */
  inProgress?: boolean;
}

/**
 * The step table of the checkout and cancellation sagas (CheckoutSaga fills it). A step's name is
 * its span (`saga <name>`) and its `step` label in shop_saga_step_duration_seconds; a step that
 * takes effect in another module says what undoes it (resolving UNKNOWN when that module gave no
 * answer).
 */
export interface CheckoutSteps {
  /**
   * Holds the stock: resolves null once it is held, or the result that ended the checkout —
   * rejected on a definite refusal, or unavailable (rejected, or deferred while something may be
   * held). Undone by releasing the stock.
   */
  reserve: CompensatedStep<[], SagaResult | null, []>;
  /**
   * Charges the order's total under its key (IN_PROGRESS: the charge is still at the provider).
   * Undone by refunding the payment.
   */
  charge: CompensatedStep<[], PaymentView | Unknown | InProgress, [paymentId: string]>;
  /** The charge made under the order's key (null: none was ever made; IN_PROGRESS: still at the provider). */
  findCharge: SagaStep<[], PaymentView | null | Unknown | InProgress>;
  /**
   * Drives an order whose charge outcome is known to its end: a captured charge commits the stock
   * and confirms (or is refunded when the reservation is gone); no charge, or a declined one,
   * releases the stock and fails the order with `reasonIfUncharged` / `payment_declined`.
   */
  settle: SagaStep<[payment: PaymentView | null, reasonIfUncharged: string], SagaResult>;
  /** Refunds and restocks a `cancelling` order, then marks it cancelled. */
  finishCancel: SagaStep<[], SagaResult>;
  /**
   * Hands the order to the background: retried once its lease, set by the retry policy, runs out —
   * soon when the other side said it is still at it.
   */
  defer: SagaStep<[options?: DeferOptions], SagaResult>;
}
