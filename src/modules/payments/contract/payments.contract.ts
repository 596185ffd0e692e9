import type { InjectionToken } from 'tsyringe';
import { z } from 'zod';
import { defineErrors } from '../../../platform/kernel/errors.js';
import { defineContract, type ApiOf } from '../../../platform/kernel/contract.js';

// The payments module's synchronous API: what other modules compile against and what the host serves
// in-process or over HTTP (schemas validate inputs either way).

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
   * Charges the card behind `token`. The same idempotencyKey always stands for the same payment
   * (never a second charge), also for concurrent calls and whatever the other fields say; keys are
   * global, so callers scope them (e.g. derive them from the order id). A decline is a result
   * (`status: "declined"`, stored like any payment, so a retry with the same key is declined
   * again), not an error. The simulated provider declines `tok_chargeDeclined` and any token not
   * matching `^tok_[A-Za-z0-9_]+$` (a malformed token is a decline, never a failure).
   * A key with an outcome is answered from the record, at once. `idempotency_key_in_use` means
   * the key's charge is still at the provider (another call started it, or this one outlasted what
   * the caller's time budget allows): ask again later, it is not a failure of payments. The answer
   * always comes within the caller's budget, so a slow card never times a caller out.
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
  /**
   * The payment made with this idempotency key, or null when no charge was ever attempted with it;
   * `idempotency_key_in_use` while its charge is still at the provider.
   */
  findCharge: { input: z.object({ idempotencyKey }), output: paymentView.nullable(), idempotent: true },
  /**
   * Refunds a captured payment (publishing `payment.refunded` once); refunding a refunded one
   * returns it unchanged. `invalid_state` if it was declined, `not_found` if there is no such payment.
   */
  refund: { input: z.object({ paymentId: z.string().min(1) }), output: paymentView, idempotent: true },
  /** The payment, or `not_found`. */
  getPayment: { input: z.object({ id: z.string().min(1) }), output: paymentView, idempotent: true },
};

/** Codes the payments module fails with; a remote caller rebuilds an AppError with the same code. */
export const PAYMENTS_ERRORS = defineErrors({ idempotency_key_in_use: 409 }, ['not_found', 'invalid_state']);
export type PaymentsErrorCode = keyof typeof PAYMENTS_ERRORS;

/** The simulated card provider, as the orders module uses it. */
export type PaymentsApi = ApiOf<typeof paymentsOperations>;
export type PaymentView = z.output<typeof paymentView>;

/** Resolves the payments contract: in-process implementation or HTTP adapter, whichever is configured. */
export const PAYMENTS_API: InjectionToken<PaymentsApi> = Symbol('PAYMENTS_API');

/** What the host needs to serve this module's API to other processes, or to call it remotely. */
export const paymentsContract = defineContract('payments', '1.1', PAYMENTS_API, paymentsOperations, PAYMENTS_ERRORS);
