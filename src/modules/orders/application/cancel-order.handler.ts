import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import { ORDERS_SETTINGS, type OrdersSettings } from '../orders.settings.js';
import type { Order } from '../domain/order.js';
import { publicStatus } from '../domain/order-status.js';
import { CheckoutSaga } from './checkout-saga.js';
import { isVisibleTo, type Viewer } from './order-view.js';
import { ORDERS_REPOSITORY, type OrdersRepository } from './ports/orders-repository.port.js';

/**
 * Cancels a confirmed order: the conditional move confirmed → cancelling decides between concurrent
 * cancels, and from then on the cancellation is irrevocable. Refund and restock follow; if either
 * dependency is unreachable the recovery completes them, and the order already reads `cancelled`.
 */
@injectable()
export class CancelOrderHandler {
  constructor(
    @inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository,
    @inject(CheckoutSaga) private readonly saga: CheckoutSaga,
    @inject(ORDERS_SETTINGS) private readonly config: OrdersSettings,
  ) {}

  async execute(orderId: string, viewer: Viewer): Promise<Order> {
    const order = await this.orders.findById(orderId);
    if (!order || !isVisibleTo(order, viewer)) throw new AppError('not_found', `No order ${orderId}`);
    const invalid = () =>
      new AppError(
        'invalid_state',
        `Only a confirmed order can be cancelled; this one is ${publicStatus(order.status)}`,
      );
    if (order.status !== 'confirmed') throw invalid();
    const owner = randomUUID();
    const updatedAt = new Date().toISOString();
    const claimed = await this.orders.transition(order.id, 'confirmed', null, {
      status: 'cancelling',
      updatedAt,
      lease: { owner, until: Date.now() + this.config.sagaRecoveryAfterMs },
    });
    if (!claimed) throw invalid();
    const run = { order: { ...order, status: 'cancelling' as const, updatedAt }, owner };
    return (await this.saga.steps.finishCancel.run(run)).order;
  }
}
