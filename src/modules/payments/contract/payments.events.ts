import { z } from 'zod';
import { defineEvent } from '../../../platform/kernel/event.js';

const payment = z.object({
  paymentId: z.string(),
  orderId: z.string(),
  userId: z.string(),
  amountCents: z.number().int(),
  currency: z.string(),
});

export const PAYMENT_CAPTURED = defineEvent('payment.captured', 1, payment);
export const PAYMENT_REFUNDED = defineEvent('payment.refunded', 1, payment);
