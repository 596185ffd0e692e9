import type { EventPayload } from '../../../platform/kernel/event.js';
import type { PaymentView } from '../contract/payments.contract.js';
import type { PAYMENT_CAPTURED } from '../contract/payments.events.js';
import type { Payment } from '../domain/payment.js';

/** The payment as the contract shows it to other modules. */
export const toPaymentView = (payment: Payment): PaymentView => ({
  id: payment.id,
  orderId: payment.orderId,
  userId: payment.userId,
  amountCents: payment.amountCents,
  currency: payment.currency,
  status: payment.status,
  createdAt: payment.createdAt,
});

/** Payload of payment.captured and payment.refunded (they share one schema). */
export const toEventPayload = (payment: Payment): EventPayload<typeof PAYMENT_CAPTURED> => ({
  paymentId: payment.id,
  orderId: payment.orderId,
  userId: payment.userId,
  amountCents: payment.amountCents,
  currency: payment.currency,
});
