import { inject, injectable } from 'tsyringe';
import type { Logger } from '../../../platform/kernel/logger.js';
import { SHOP_METRICS, type ShopMetrics } from '../../../platform/telemetry/shop-metrics.js';
import { LOGGER } from '../../../platform/kernel/tokens.js';
import { CATALOG_API, type CatalogApi } from '../../catalog/contract/catalog.contract.js';
import { PAYMENTS_API, type PaymentsApi, type PaymentView } from '../../payments/contract/payments.contract.js';
import { chargeKeyOf, retryDelayMs } from '../domain/checkout-policy.js';
import type { Order, OrderStatus } from '../domain/order.js';
import { canTransition } from '../domain/order-status.js';
import { isFinal, outcomeOf, refused, unavailable, type CheckoutOutcome } from './checkout-outcome.js';
import { isAnswer, UNKNOWN, type Unknown } from './dependency-outcome.js';
import {
  ORDERS_REPOSITORY,
  type OrderChange,
  type OrdersRepository,
  type OutboxEvent,
} from './ports/orders-repository.port.js';
import { orderCancelled, orderConfirmed, orderPaymentFailed } from './saga-events.js';
import type { SagaRun, SagaStep } from './saga-run.js';

/** What a state change records besides the order: its event, and the answer when it is not the order's own. */
interface MoveOptions {
  event?: (next: Order) => OutboxEvent;
  answer?: CheckoutOutcome;
}

/**
 * The steps of the checkout and cancellation sagas, shared by the live request and the recovery.
 * Every step is idempotent on the other side (reservations by order id, charges by key), and every
 * state change is conditional on the run's owner still holding the order, so a step may be repeated
 * by whoever resumes the saga. A call that gives no definite answer resolves UNKNOWN, and the order
 * is deferred to the background instead of guessing; events are recorded only with a final state
 * change. A keyed run's final answer is stored in the same transaction as the change that decides it.
 */
@injectable()
export class CheckoutSaga {
  constructor(
    @inject(CATALOG_API) private readonly catalog: CatalogApi,
    @inject(PAYMENTS_API) private readonly payments: PaymentsApi,
    @inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(SHOP_METRICS) metrics: ShopMetrics,
  ) {
    // Each step is a span (searchable by order id) and a duration observation, whoever drives it.
    const orderIdOf = (first: SagaRun | Order) => ('order' in first ? first.order.id : first.id);
    metrics.traceSteps(this, ['reserve', 'charge', 'findCharge', 'settle', 'finishCancel', 'defer'], orderIdOf);
  }

  /**
   * Holds the stock: resolves null once it is held, or the step that ended the checkout — rejected
   * on a definite refusal, or unavailable (rejected, or deferred while something may be held).
   */
  async reserve(run: SagaRun): Promise<SagaStep | null> {
    const { order } = run;
    try {
      const lines = order.lines.map(({ productId, quantity }) => ({ productId, quantity }));
      await this.catalog.reserve({ orderId: order.id, lines });
      return null;
    } catch (error) {
      if (isAnswer(error, 'out_of_stock', 'unknown_product')) {
        const fields = { status: 'rejected', failureCode: error.code, paymentToken: null } as const;
        return this.move(run, fields, { answer: refused(error) });
      }
      this.warn(order, 'reserve', error);
    }
    const answer = unavailable('Stock could not be reserved right now; nothing was charged, try again');
    // Something may be held: give it back now, or leave that to the recovery.
    if ((await this.release(order)) === UNKNOWN) return this.defer(run, { answer });
    return this.move(run, { status: 'rejected', failureCode: 'service_unavailable', paymentToken: null }, { answer });
  }

  /** Charges the order's total under its key. */
  charge(order: Order): Promise<PaymentView | Unknown> {
    const { id, userId, totalCents, currency, paymentToken } = order;
    const input = { orderId: id, userId, amountCents: totalCents, currency, token: paymentToken ?? '' };
    return this.call(order, 'charge', () => this.payments.charge({ ...input, idempotencyKey: chargeKeyOf(id) }));
  }

  /** The charge made under the order's key (null: none was ever made). */
  findCharge(order: Order): Promise<PaymentView | null | Unknown> {
    return this.call(order, 'findCharge', () => this.payments.findCharge({ idempotencyKey: chargeKeyOf(order.id) }));
  }

  /**
   * Drives an order whose charge outcome is known to its end: a captured charge commits the stock
   * and confirms (or is refunded when the reservation is gone); no charge, or a declined one,
   * releases the stock and fails the order with `reasonIfUncharged` / `payment_declined`.
   */
  async settle(run: SagaRun, payment: PaymentView | null, reasonIfUncharged: string): Promise<SagaStep> {
    if (payment?.status === 'captured') return this.completeSale(run, payment);
    if ((await this.release(run.order)) === UNKNOWN) return this.defer(run);
    return this.fail(run, payment?.status === 'declined' ? 'payment_declined' : reasonIfUncharged, payment);
  }

  /** Refunds and restocks a `cancelling` order, then marks it cancelled. */
  async finishCancel(run: SagaRun): Promise<SagaStep> {
    const { paymentId } = run.order;
    if (paymentId && (await this.refund(run.order, paymentId)) === UNKNOWN) return this.defer(run);
    if ((await this.release(run.order)) === UNKNOWN) return this.defer(run);
    return this.move(run, { status: 'cancelled' }, { event: orderCancelled });
  }

  /**
   * Hands the order to the background (in `status`, by default its current one): retried once its
   * lease, set by the retry policy, runs out.
   */
  defer(run: SagaRun, options: { status?: OrderStatus; answer?: CheckoutOutcome } = {}): Promise<SagaStep> {
    const { order } = run;
    const lease = { owner: null, until: Date.now() + retryDelayMs(order.attempts) };
    const fields = { status: options.status ?? order.status, attempts: order.attempts + 1, lease };
    return this.move(run, fields, { answer: options.answer });
  }

  private async completeSale(run: SagaRun, payment: PaymentView): Promise<SagaStep> {
    const { order } = run;
    try {
      await this.catalog.commitReservation({ orderId: order.id });
    } catch (error) {
      if (!isAnswer(error, 'invalid_state', 'not_found')) {
        this.warn(order, 'commitReservation', error);
        return this.defer(run);
      }
      // The reservation ran out (or was released) before the sale completed: no goods, no money.
      if ((await this.refund(order, payment.id)) === UNKNOWN) return this.defer(run);
      return this.fail(run, 'reservation_expired', payment);
    }
    const confirmed = { status: 'confirmed', paymentId: payment.id, paymentToken: null } as const;
    return this.move(run, confirmed, { event: (next) => orderConfirmed(next, payment.id) });
  }

  private fail(run: SagaRun, reason: string, payment: PaymentView | null): Promise<SagaStep> {
    const failed = {
      status: 'payment_failed',
      failureCode: reason,
      paymentId: payment?.id ?? null,
      paymentToken: null,
    } as const;
    return this.move(run, failed, { event: (next) => orderPaymentFailed(next, reason) });
  }

  /**
   * One conditional state change, with its event and (for a keyed run's final answer) the
   * idempotency record, atomically. A status change ends the run's lease unless the change sets one.
   * When the order was taken over meanwhile, resolves its current state: the new owner decides, this
   * run only reports.
   */
  private async move(run: SagaRun, fields: Omit<OrderChange, 'updatedAt'>, options: MoveOptions): Promise<SagaStep> {
    const { order, owner } = run;
    const status = fields.status ?? order.status;
    if (!canTransition(order.status, status))
      throw new Error(`order ${order.id}: illegal transition ${order.status} -> ${status}`);
    const statusChanged = status !== order.status;
    const change: OrderChange = { ...fields, ...(statusChanged ? { updatedAt: new Date().toISOString() } : {}) };
    if (statusChanged && !change.lease) change.lease = { owner: null, until: 0 };
    const { lease: _lease, ...visible } = change;
    const next: Order = { ...order, ...visible };
    const answer = options.answer ?? outcomeOf(next);
    const completion = run.key && isFinal(answer) ? { ...run.key, outcome: answer } : undefined;
    if (await this.orders.transition(order.id, order.status, owner, change, options.event?.(next), completion)) {
      return { order: next, answer, recorded: completion !== undefined };
    }
    this.logger.warn(
      { orderId: order.id, from: order.status, to: status },
      'order was taken over by another saga driver',
    );
    const current = (await this.orders.findById(order.id)) ?? order;
    return { order: current, answer: outcomeOf(current), recorded: false };
  }

  private release(order: Order): Promise<unknown> {
    return this.call(order, 'release', () => this.catalog.releaseReservation({ orderId: order.id }));
  }

  private refund(order: Order, paymentId: string): Promise<unknown> {
    return this.call(order, 'refund', () => this.payments.refund({ paymentId }));
  }

  /** A call whose failure leaves its outcome unknown (logged; the recovery retries the step). */
  private async call<T>(order: Order, step: string, call: () => Promise<T>): Promise<T | Unknown> {
    try {
      return await call();
    } catch (error) {
      this.warn(order, step, error);
      return UNKNOWN;
    }
  }

  private warn(order: Order, step: string, error: unknown): void {
    this.logger.warn(
      { orderId: order.id, step, err: error },
      'checkout step failed; the order will be retried in the background',
    );
  }
}
