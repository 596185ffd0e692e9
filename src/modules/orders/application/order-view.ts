import type { OrderView } from '../contract/orders.contract.js';
import type { Order } from '../domain/order.js';
import { publicStatus } from '../domain/order-status.js';

/** Who is asking: customers see their own orders, admins every order. */
export interface Viewer {
  userId: string;
  admin: boolean;
}

/** Rejected checkouts are not orders; other users' orders do not exist for a customer. */
export const isVisibleTo = (order: Order, viewer: Viewer): boolean =>
  order.status !== 'rejected' && (viewer.admin || order.userId === viewer.userId);

export const orderLocation = (orderId: string): string => `/api/v1/orders/${encodeURIComponent(orderId)}`;

/** The public representation (API.md "Orders"); call only for visible orders. */
export function toOrderView(order: Order): OrderView {
  const status = publicStatus(order.status);
  if (!status) throw new Error(`order ${order.id} is ${order.status} and has no public view`);
  return {
    id: order.id,
    userId: order.userId,
    status,
    items: order.lines,
    totalCents: order.totalCents,
    currency: order.currency,
    paymentId: order.paymentId,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
}
