import { inject, injectable } from 'tsyringe';
import type { Logger } from '../../../platform/kernel/logger.js';
import { LOGGER } from '../../../platform/kernel/tokens.js';
import { CATALOG_API, type CatalogApi } from '../../catalog/contract/catalog.contract.js';
import { PAYMENTS_API, type PaymentsApi, type PaymentView } from '../../payments/contract/payments.contract.js';
import { chargeKeyOf, IN_PROGRESS_RETRY, retryDelayMs, SETTLE_RETRY } from '../domain/checkout-policy.js';
import type { Order } from '../domain/order.js';
import { refused, unavailable } from './checkout-outcome.js';
import type { CheckoutSteps, DeferOptions } from './checkout-steps.js';
import { IN_PROGRESS, isAnswer, orInProgress, UNKNOWN, type InProgress, type Unknown } from './dependency-outcome.js';
import { OrderTransitions } from './order-transitions.js';
import { orderCancelled, orderConfirmed, orderPaymentFailed } from './saga-events.js';
import type { SagaResult, SagaRun } from './saga-run.js';
import { SagaRunner } from './saga-runner.js';

/**
 * The checkout and cancellation sagas, shared by the live request, the recovery and the cancel.
 * Every step is idempotent on the other side (reservations by order id, charges by key), and every
 * state change is conditional on the run's owner still holding the order, so a step may be repeated
 * by whoever resumes the saga. A call that gives no definite answer resolves UNKNOWN, and the order
 * is deferred to the background instead of guessing; events are recorded only with a final state
 * change.
 */
@injectable()
export class CheckoutSaga {
  /** The step table, traced: every driver runs the steps through it. */
  readonly steps: CheckoutSteps;

  constructor(
    @inject(CATALOG_API) private readonly catalog: CatalogApi,
    @inject(PAYMENTS_API) private readonly payments: PaymentsApi,
    @inject(OrderTransitions) private readonly transitions: OrderTransitions,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(SagaRunner) runner: SagaRunner,
  ) {
    this.steps = runner.traced<CheckoutSteps>({
      reserve: { name: 'reserve', run: (run) => this.holdStock(run), compensate: ({ order }) => this.release(order) },
      charge: {
        name: 'charge',
        run: ({ order }) => this.chargeTotal(order),
        compensate: ({ order }, paymentId) => this.refund(order, paymentId),
      },
      findCharge: { name: 'findCharge', run: ({ order }) => this.lookUpCharge(order) },
      settle: { name: 'settle', run: (run, payment, reason) => this.settleCharge(run, payment, reason) },
      finishCancel: { name: 'finishCancel', run: (run) => this.undoSale(run) },
      defer: { name: 'defer', run: (run, options) => this.handToBackground(run, options) },
    });
  }

  /** The live checkout of an order just recorded: reserve → charge → settle. */
  async checkout(run: SagaRun): Promise<SagaResult> {
    const refusal = await this.steps.reserve.run(run);
    if (refusal) return refusal;
    const payment = await this.steps.charge.run(run);
    if (payment === UNKNOWN || payment === IN_PROGRESS)
      return this.steps.defer.run(run, { status: 'payment_pending', inProgress: payment === IN_PROGRESS });
    return this.steps.settle.run(run, payment, 'payment_declined');
  }

  private async holdStock(run: SagaRun): Promise<SagaResult | null> {
    const { order } = run;
    try {
      const lines = order.lines.map(({ productId, quantity }) => ({ productId, quantity }));
      await this.catalog.reserve({ orderId: order.id, lines });
      return null;
    } catch (error) {
      if (isAnswer(error, 'out_of_stock', 'unknown_product')) {
        const fields = { status: 'rejected', failureCode: error.code, paymentToken: null } as const;
        return this.transitions.move(run, fields, { answer: refused(error) });
      }
      this.warn(order, 'reserve', error);
    }
    const answer = unavailable('Stock could not be reserved right now; nothing was charged, try again');
    // Something may be held: give it back now, or leave that to the recovery.
    if ((await this.steps.reserve.compensate(run)) === UNKNOWN) return this.steps.defer.run(run, { answer });
    const rejected = { status: 'rejected', failureCode: 'service_unavailable', paymentToken: null } as const;
    return this.transitions.move(run, rejected, { answer });
  }

  private chargeTotal(order: Order): Promise<PaymentView | Unknown | InProgress> {
    const { id, userId, totalCents, currency, paymentToken } = order;
    const input = { orderId: id, userId, amountCents: totalCents, currency, token: paymentToken ?? '' };
    const idempotencyKey = chargeKeyOf(id);
    return this.call(order, 'charge', () => orInProgress(this.payments.charge({ ...input, idempotencyKey })));
  }

  private lookUpCharge(order: Order): Promise<PaymentView | null | Unknown | InProgress> {
    const idempotencyKey = chargeKeyOf(order.id);
    return this.call(order, 'findCharge', () => orInProgress(this.payments.findCharge({ idempotencyKey })));
  }

  private async settleCharge(
    run: SagaRun,
    payment: PaymentView | null,
    reasonIfUncharged: string,
  ): Promise<SagaResult> {
    if (payment?.status === 'captured') return this.completeSale(run, payment);
    if ((await this.steps.reserve.compensate(run)) === UNKNOWN) return this.steps.defer.run(run);
    return this.fail(run, payment?.status === 'declined' ? 'payment_declined' : reasonIfUncharged, payment);
  }

  private async undoSale(run: SagaRun): Promise<SagaResult> {
    const { paymentId } = run.order;
    if (paymentId && (await this.steps.charge.compensate(run, paymentId)) === UNKNOWN) return this.steps.defer.run(run);
    if ((await this.steps.reserve.compensate(run)) === UNKNOWN) return this.steps.defer.run(run);
    return this.transitions.move(run, { status: 'cancelled' }, { event: orderCancelled });
  }

  private handToBackground(run: SagaRun, options: DeferOptions = {}): Promise<SagaResult> {
    const { order } = run;
    const retry = options.inProgress ? IN_PROGRESS_RETRY : SETTLE_RETRY;
    const lease = { owner: null, until: Date.now() + retryDelayMs(order.attempts, retry) };
    const fields = { status: options.status ?? order.status, attempts: order.attempts + 1, lease };
    return this.transitions.move(run, fields, { answer: options.answer });
  }

  private async completeSale(run: SagaRun, payment: PaymentView): Promise<SagaResult> {
    const { order } = run;
    try {
      await this.catalog.commitReservation({ orderId: order.id });
    } catch (error) {
      if (!isAnswer(error, 'invalid_state', 'not_found')) {
        this.warn(order, 'commitReservation', error);
        return this.steps.defer.run(run);
      }
      // The reservation ran out (or was released) before the sale completed: no goods, no money.
      if ((await this.steps.charge.compensate(run, payment.id)) === UNKNOWN) return this.steps.defer.run(run);
      return this.fail(run, 'reservation_expired', payment);
    }
    const confirmed = { status: 'confirmed', paymentId: payment.id, paymentToken: null } as const;
    return this.transitions.move(run, confirmed, { event: (next) => orderConfirmed(next, payment.id) });
  }

  private fail(run: SagaRun, reason: string, payment: PaymentView | null): Promise<SagaResult> {
    const failed = {
      status: 'payment_failed',
      failureCode: reason,
      paymentId: payment?.id ?? null,
      paymentToken: null,
    } as const;
    return this.transitions.move(run, failed, { event: (next) => orderPaymentFailed(next, reason) });
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
