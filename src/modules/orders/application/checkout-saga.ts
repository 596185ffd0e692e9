import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/errors.js';
import type { Logger } from '../../../platform/logger.js';
import type { CatalogApi } from '../../catalog/contract/catalog.api.js';
import { CATALOG_API } from '../../catalog/contract/catalog.tokens.js';
import type { PaymentsApi, PaymentView } from '../../payments/contract/payments.api.js';
import { PAYMENTS_API } from '../../payments/contract/payments.tokens.js';
import { chargeKeyOf, retryDelayMs } from '../domain/checkout-policy.js';
import type { Order, OrderStatus } from '../domain/order.js';
import { canTransition } from '../domain/order-status.js';
import { checkoutResponse } from './checkout-response.js';
import { isAnswer } from './dependency-outcome.js';
import type { IdempotencyTicket } from './idempotency-ticket.js';
import {
  ORDERS_REPOSITORY,
  type OrderChange,
  type OrdersRepository,
  type OutboxEvent,
} from './ports/orders-repository.port.js';
import { ORDERS_LOGGER } from './ports/saga-settings.port.js';
import { orderCancelled, orderConfirmed, orderPaymentFailed } from './saga-events.js';

/**
 * The steps of the checkout and cancellation sagas, shared by the live request and the recovery.
 * Every step is idempotent on the other side (reservations by order id, charges by key), and every
 * state change is conditional on the caller still owning the order, so a step may be repeated by
 * whoever resumes the saga. A step whose dependency gives no definite answer defers the order to
 * the background instead of guessing; events are recorded only with a final state change.
 *
 * A live keyed checkout passes its idempotency ticket to the steps that decide its response; the
 * response is then stored in the same transaction as that decision.
 */
@injectable()
export class CheckoutSaga {
  constructor(
    @inject(CATALOG_API) private readonly catalog: CatalogApi,
    @inject(PAYMENTS_API) private readonly payments: PaymentsApi,
    @inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository,
    @inject(ORDERS_LOGGER) private readonly logger: Logger,
  ) {}

  /** Holds the stock; on a definite refusal the order is rejected and the refusal rethrown. */
  async reserve(order: Order, owner: string): Promise<void> {
    try {
      await this.catalog.reserve({
        orderId: order.id,
        lines: order.lines.map(({ productId, quantity }) => ({ productId, quantity })),
      });
    } catch (error) {
      if (isAnswer(error, 'out_of_stock', 'unknown_product')) {
        await this.move(order, owner, { status: 'rejected', failureCode: error.code, paymentToken: null });
        throw error;
      }
      this.warn(order, 'reserve', error);
      // Something may be held: give it back now, or leave that to the recovery.
      if (await this.attempt(order, 'release', () => this.catalog.releaseReservation({ orderId: order.id }))) {
        await this.move(order, owner, { status: 'rejected', failureCode: 'service_unavailable', paymentToken: null });
      } else {
        await this.defer(order, owner);
      }
      throw new AppError(
        'service_unavailable',
        'Stock could not be reserved right now; nothing was charged, try again',
        { headers: { 'Retry-After': '1' } },
      );
    }
  }

  /** Charges the order's total under its key; undefined when the outcome is unknown. */
  async charge(order: Order): Promise<PaymentView | undefined> {
    try {
      return await this.payments.charge({
        orderId: order.id,
        userId: order.userId,
        amountCents: order.totalCents,
        currency: order.currency,
        token: order.paymentToken ?? '',
        idempotencyKey: chargeKeyOf(order.id),
      });
    } catch (error) {
      this.warn(order, 'charge', error);
      return undefined;
    }
  }

  /** The charge made under the order's key (null: none was ever made); undefined when unknown. */
  async findCharge(order: Order): Promise<PaymentView | null | undefined> {
    try {
      return await this.payments.findCharge({ idempotencyKey: chargeKeyOf(order.id) });
    } catch (error) {
      this.warn(order, 'findCharge', error);
      return undefined;
    }
  }

  /**
   * Drives an order whose charge outcome is known to its end: a captured charge commits the stock
   * and confirms (or is refunded when the reservation is gone); no charge, or a declined one,
   * releases the stock and fails the order with `reasonIfUncharged` / `payment_declined`.
   */
  async settle(
    order: Order,
    owner: string,
    payment: PaymentView | null,
    reasonIfUncharged: string,
    ticket?: IdempotencyTicket,
  ): Promise<Order> {
    if (payment?.status === 'captured') return this.completeSale(order, owner, payment, ticket);
    if (!(await this.attempt(order, 'release', () => this.catalog.releaseReservation({ orderId: order.id }))))
      return this.defer(order, owner, order.status, ticket);
    const reason = payment?.status === 'declined' ? 'payment_declined' : reasonIfUncharged;
    const failed = {
      status: 'payment_failed',
      failureCode: reason,
      paymentId: payment?.id ?? null,
      paymentToken: null,
    } as const;
    return this.move(order, owner, failed, (next) => orderPaymentFailed(next, reason), ticket);
  }

  /** Refunds and restocks a `cancelling` order, then marks it cancelled. */
  async finishCancel(order: Order, owner: string): Promise<Order> {
    const paymentId = order.paymentId;
    if (paymentId && !(await this.attempt(order, 'refund', () => this.payments.refund({ paymentId }))))
      return this.defer(order, owner);
    if (!(await this.attempt(order, 'release', () => this.catalog.releaseReservation({ orderId: order.id }))))
      return this.defer(order, owner);
    return this.move(order, owner, { status: 'cancelled' }, orderCancelled);
  }

  /** Hands the order to the background: retried once its lease, set by the retry policy, runs out. */
  async defer(
    order: Order,
    owner: string,
    status: OrderStatus = order.status,
    ticket?: IdempotencyTicket,
  ): Promise<Order> {
    const lease = { owner: null, until: Date.now() + retryDelayMs(order.attempts) };
    return this.move(order, owner, { status, attempts: order.attempts + 1, lease }, undefined, ticket);
  }

  private async completeSale(
    order: Order,
    owner: string,
    payment: PaymentView,
    ticket?: IdempotencyTicket,
  ): Promise<Order> {
    try {
      await this.catalog.commitReservation({ orderId: order.id });
    } catch (error) {
      if (!isAnswer(error, 'invalid_state', 'not_found')) {
        this.warn(order, 'commitReservation', error);
        return this.defer(order, owner, order.status, ticket);
      }
      // The reservation ran out (or was released) before the sale completed: no goods, no money.
      if (!(await this.attempt(order, 'refund', () => this.payments.refund({ paymentId: payment.id }))))
        return this.defer(order, owner, order.status, ticket);
      const reason = 'reservation_expired';
      const failed = {
        status: 'payment_failed',
        failureCode: reason,
        paymentId: payment.id,
        paymentToken: null,
      } as const;
      return this.move(order, owner, failed, (next) => orderPaymentFailed(next, reason), ticket);
    }
    return this.move(
      order,
      owner,
      { status: 'confirmed', paymentId: payment.id, paymentToken: null },
      (next) => orderConfirmed(next, payment.id),
      ticket,
    );
  }

  /**
   * One conditional state change (plus its event, atomically). A status change ends the caller's
   * lease unless the change sets one. When the order was taken over meanwhile, resolves its current
   * state: the new owner decides, this caller only reports.
   */
  private async move(
    order: Order,
    owner: string,
    fields: Omit<OrderChange, 'updatedAt'>,
    eventOf?: (next: Order) => OutboxEvent,
    ticket?: IdempotencyTicket,
  ): Promise<Order> {
    const status = fields.status ?? order.status;
    if (!canTransition(order.status, status))
      throw new Error(`order ${order.id}: illegal transition ${order.status} -> ${status}`);
    const statusChanged = status !== order.status;
    const change: OrderChange = { ...fields, ...(statusChanged ? { updatedAt: new Date().toISOString() } : {}) };
    if (statusChanged && !change.lease) change.lease = { owner: null, until: 0 };
    const { lease: _lease, ...visible } = change;
    const next: Order = { ...order, ...visible };
    const completion = ticket?.claimed
      ? { userId: ticket.claim.userId, key: ticket.claim.key, response: checkoutResponse(next) }
      : undefined;
    if (await this.orders.transition(order.id, order.status, owner, change, eventOf?.(next), completion)) {
      if (ticket && completion) ticket.recorded = completion.response;
      return next;
    }
    this.logger.warn(
      { orderId: order.id, from: order.status, to: status },
      'order was taken over by another saga driver',
    );
    return (await this.orders.findById(order.id)) ?? order;
  }

  private async attempt(order: Order, step: string, call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      this.warn(order, step, error);
      return false;
    }
  }

  private warn(order: Order, step: string, error: unknown): void {
    this.logger.warn(
      { orderId: order.id, step, err: error },
      'checkout step failed; the order will be retried in the background',
    );
  }
}
