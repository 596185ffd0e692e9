import { inject, injectable } from 'tsyringe';
import type { PendingEvent } from '../../../platform/kernel/event.js';
import type { Logger } from '../../../platform/kernel/logger.js';
import { LOGGER } from '../../../platform/kernel/tokens.js';
import type { Order } from '../domain/order.js';
import { canTransition } from '../domain/order-status.js';
import { outcomeOf, type CheckoutOutcome } from './checkout-outcome.js';
import { ORDERS_REPOSITORY, type OrderChange, type OrdersRepository } from './ports/orders-repository.port.js';
import type { SagaResult, SagaRun } from './saga-run.js';

/** What a state change records besides the order: its event, and the answer when it is not the order's own. */
export interface MoveOptions {
  event?: (next: Order) => PendingEvent;
  answer?: CheckoutOutcome;
}

/**
 * The saga's one way to change an order: conditional on the run's owner still holding it, and
 * atomic with its event and with whatever the run records with the answer the change decides.
 */
@injectable()
export class OrderTransitions {
  constructor(
    @inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Applies `fields`; a status change ends the run's lease unless the change sets one. When the
   * order was taken over meanwhile, resolves its current state: the new owner decides, this run
   * only reports.
   */
  async move(run: SagaRun, fields: Omit<OrderChange, 'updatedAt'>, options: MoveOptions = {}): Promise<SagaResult> {
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
    const records = { event: options.event?.(next), completion: run.recordAnswer?.(answer) };
    if (await this.orders.transition(order.id, order.status, owner, change, records)) {
      return { order: next, answer, takenOver: false };
    }
    this.logger.warn(
      { orderId: order.id, from: order.status, to: status },
      'order was taken over by another saga driver',
    );
    const current = (await this.orders.findById(order.id)) ?? order;
    return { order: current, answer: outcomeOf(current), takenOver: true };
  }
}
