import { z } from 'zod';

export const paymentView = z.object({
  id: z.string(),
  orderId: z.string(),
  userId: z.string(),
  amountCents: z.number().int().nonnegative(),
  currency: z.string().length(3),
  status: z.enum(['captured', 'declined', 'refunded']),
  createdAt: z.string(),
});

const idempotencyKey = z.string().min(1).max(300);

export const paymentsOperations = {
  /**
   * Charges the card behind `token`. The same idempotencyKey always returns the same payment
   * (never a second charge). A decline is a result (`status: "declined"`), not an error.
   */
  charge: {
    input: z.object({
      orderId: z.string().min(1),
      userId: z.string().min(1),
      amountCents: z.number().int().nonnegative(),
      currency: z.string().length(3),
      token: z.string().min(1).max(255),
      idempotencyKey,
    }),
    output: paymentView,
    idempotent: true,
  },
  /** The payment made with this idempotency key, or null when no charge was ever attempted with it. */
  findCharge: { input: z.object({ idempotencyKey }), output: paymentView.nullable(), idempotent: true },
  /** Refunds a captured payment; refunding a refunded one returns it unchanged. `invalid_state` if declined. */
  refund: { input: z.object({ paymentId: z.string().min(1) }), output: paymentView, idempotent: true },
  /** The payment, or `not_found`. */
  getPayment: { input: z.object({ id: z.string().min(1) }), output: paymentView, idempotent: true },
};

