import type { PendingEvent } from '../../../platform/kernel/event.js';
import { ORDER_CANCELLED, ORDER_CONFIRMED, ORDER_PAYMENT_FAILED } from '../contract/orders.events.js';
import type { Order } from '../domain/order.js';

const summary = (order: Order) => ({
  orderId: order.id,
  userId: order.userId,
  totalCents: order.totalCents,
  currency: order.currency,
});

export const orderConfirmed = (order: Order, paymentId: string): PendingEvent => ({
  event: ORDER_CONFIRMED,
  payload: {
    ...summary(order),
    paymentId,
    items: order.lines.map(({ productId, name, quantity, unitPriceCents, lineTotalCents }) => ({
      productId,
      name,
      quantity,
      unitPriceCents,
      lineTotalCents,
    })),
  },
});

export const orderPaymentFailed = (order: Order, reason: string): PendingEvent => ({
  event: ORDER_PAYMENT_FAILED,
  payload: { ...summary(order), reason },
});

export const orderCancelled = (order: Order): PendingEvent => ({ event: ORDER_CANCELLED, payload: summary(order) });
