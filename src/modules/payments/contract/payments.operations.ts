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
   * (never a second charge), also for concurrent calls and whatever the other fields say; keys are
   * global, so callers scope them (e.g. derive them from the order id). A decline is a result
   * (`status: "declined"`, stored like any payment, so a retry with the same key is declined
   * again), not an error. The simulated provider declines `tok_chargeDeclined` and any token not
   * matching `^tok_[A-Za-z0-9_]+$` (a malformed token is a decline, never a failure).
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
  /**
   * Refunds a captured payment (publishing `payment.refunded` once); refunding a refunded one
   * returns it unchanged. `invalid_state` if it was declined, `not_found` if there is no such payment.
   */
  refund: { input: z.object({ paymentId: z.string().min(1) }), output: paymentView, idempotent: true },
  /** The payment, or `not_found`. */
  getPayment: { input: z.object({ id: z.string().min(1) }), output: paymentView, idempotent: true },
};
