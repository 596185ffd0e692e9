import { z } from 'zod';

export const orderStatus = z.enum(['confirmed', 'payment_pending', 'payment_failed', 'cancelled']);

export const orderLine = z.object({
  productId: z.string(),
  sku: z.string(),
  name: z.string(),
  unitPriceCents: z.number().int(),
  quantity: z.number().int(),
  lineTotalCents: z.number().int(),
});

export const orderView = z.object({
  id: z.string(),
  userId: z.string(),
  status: orderStatus,
  items: z.array(orderLine),
  totalCents: z.number().int(),
  currency: z.string(),
  paymentId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ordersOperations = {
  /** The order with this id (any owner); fails with `not_found`. */
  getOrder: { input: z.object({ id: z.string().min(1) }), output: orderView, idempotent: true },
};
