import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import type { OrderView } from '../contract/orders.contract.js';
import { isVisibleTo, toOrderView, type Viewer } from './order-view.js';
import { ORDERS_REPOSITORY, type OrdersRepository } from './ports/orders-repository.port.js';

/** One order as its owner (or an admin) sees it; anything else is `not_found`. */
@injectable()
export class GetOrderHandler {
  constructor(@inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository) {}

  async execute(orderId: string, viewer: Viewer): Promise<OrderView> {
    const order = await this.orders.findById(orderId);
    if (!order || !isVisibleTo(order, viewer)) throw new AppError('not_found', `No order ${orderId}`);
    return toOrderView(order);
  }
}
