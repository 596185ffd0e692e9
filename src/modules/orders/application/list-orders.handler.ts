import { inject, injectable } from 'tsyringe';
import { decodeCursor, toPage, type Page } from '../../../platform/kernel/pagination.js';
import type { OrderView } from '../contract/orders.contract.js';
import { toOrderView } from './order-view.js';
import { ORDERS_REPOSITORY, type OrdersRepository } from './ports/orders-repository.port.js';

/** The user's own orders, newest first, by keyset pagination on (createdAt, id). */
@injectable()
export class ListOrdersHandler {
  constructor(@inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository) {}

  async execute(userId: string, limit: number, cursor: string | undefined): Promise<Page<OrderView>> {
    const rows = await this.orders.listByUser(userId, limit + 1, decodeCursor(cursor));
    return toPage(rows, limit, (order) => ({ key: order.createdAt, id: order.id }), toOrderView);
  }
}
