import { z } from 'zod';
import { defineEvent, upcastFrom } from '../../../platform/kernel/event.js';

const order = {
  orderId: z.string(),
  userId: z.string(),
  totalCents: z.number().int(),
  currency: z.string(),
};

const line = z.object({
  productId: z.string(),
  name: z.string(),
  quantity: z.number().int(),
  unitPriceCents: z.number().int(),
});

/** Version 1: lines without their total; readers multiplied price by quantity themselves. */
export const ORDER_CONFIRMED_V1 = defineEvent(
  'order.confirmed',
  1,
  z.object({ ...order, items: z.array(line), paymentId: z.string() }),
);

/**
 * The order is paid and its stock committed; published only once nothing can roll it back. Since
 * version 2 each line carries the total orders charged for it, so no reader re-prices an order.
 */
export const ORDER_CONFIRMED = defineEvent(
  'order.confirmed',
  2,
  z.object({ ...order, items: z.array(line.extend({ lineTotalCents: z.number().int() })), paymentId: z.string() }),
  // A version 1 event still queued: its lines were priced as price × quantity, which is what it charged.
  upcastFrom(ORDER_CONFIRMED_V1, (v1) => ({
    ...v1,
    items: v1.items.map((item) => ({ ...item, lineTotalCents: item.unitPriceCents * item.quantity })),
  })),
);
/** A confirmed order was cancelled: payment refunded, stock returned. */
export const ORDER_CANCELLED = defineEvent('order.cancelled', 1, z.object(order));
/** The charge was declined (or never succeeded) after the order was accepted; nothing is held. */
export const ORDER_PAYMENT_FAILED = defineEvent('order.payment-failed', 1, z.object({ ...order, reason: z.string() }));
