import { z } from 'zod';
import { defineEvent } from '../../../platform/kernel/event.js';

const order = {
  orderId: z.string(),
  userId: z.string(),
  totalCents: z.number().int(),
  currency: z.string(),
};

const lines = z.array(
  z.object({ productId: z.string(), name: z.string(), quantity: z.number().int(), unitPriceCents: z.number().int() }),
);

/** The order is paid and its stock committed; published only once nothing can roll it back. */
export const ORDER_CONFIRMED = defineEvent(
  'order.confirmed',
  1,
  z.object({ ...order, items: lines, paymentId: z.string() }),
);
/** A confirmed order was cancelled: payment refunded, stock returned. */
export const ORDER_CANCELLED = defineEvent('order.cancelled', 1, z.object(order));
/** The charge was declined (or never succeeded) after the order was accepted; nothing is held. */
export const ORDER_PAYMENT_FAILED = defineEvent('order.payment-failed', 1, z.object({ ...order, reason: z.string() }));
