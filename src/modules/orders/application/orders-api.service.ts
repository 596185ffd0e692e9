import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import type { OrdersApi, OrderView } from '../contract/orders.contract.js';
import { toOrderView } from './order-view.js';
import { ORDERS_REPOSITORY, type OrdersRepository } from './ports/orders-repository.port.js';

/** The contract other modules call (ORDERS_API). */
@injectable()
export class OrdersApiService implements OrdersApi {
  constructor(@inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository) {}

  async getOrder({ id }: { id: string }): Promise<OrderView> {
    const order = await this.orders.findById(id);
    if (!order || order.status === 'rejected') throw new AppError('not_found', `No order ${id}`);
    return toOrderView(order);
  }
}
