import { AppError, isErrorCode } from '../../../platform/errors.js';
import { PROBLEM_CONTENT_TYPE, problemBody } from '../../../platform/http/problem.js';
import type { Order } from '../domain/order.js';
import { orderLocation, toOrderView } from './order-view.js';
import type { StoredResponse } from './ports/idempotency-store.port.js';

const FAILURE_DETAIL: Record<string, string> = {
  payment_declined: 'The payment was declined; nothing was charged and no stock is held',
  reservation_expired: 'The stock reservation expired before the payment completed; the charge was refunded',
  checkout_interrupted:
    'The checkout was interrupted before the payment completed; nothing was charged and no stock is held',
  payment_unavailable: 'The payment could not be completed in time; nothing was charged and no stock is held',
};

/** The problem response of an error, exactly as the platform renders it. */
export function problemResponse(error: AppError): StoredResponse {
  return {
    status: error.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...error.options.headers },
    body: problemBody(error),
  };
}

/**
 * The HTTP answer to a checkout that produced `order`: 201 once confirmed (even if cancelled since),
 * 202 while its payment is still being settled in the background, 402 when it failed, and the
 * recorded refusal for a rejected checkout.
 */
export function checkoutResponse(order: Order): StoredResponse {
  switch (order.status) {
    case 'confirmed':
    case 'cancelling':
    case 'cancelled':
      return { status: 201, headers: { Location: orderLocation(order.id) }, body: toOrderView(order) };
    case 'pending':
    case 'payment_pending':
      return { status: 202, headers: { Location: orderLocation(order.id) }, body: toOrderView(order) };
    case 'payment_failed': {
      const detail = FAILURE_DETAIL[order.failureCode ?? ''] ?? FAILURE_DETAIL.payment_declined;
      return problemResponse(new AppError('payment_declined', detail, { extra: { orderId: order.id } }));
    }
    case 'rejected': {
      const code = isErrorCode(order.failureCode) ? order.failureCode : 'service_unavailable';
      return problemResponse(new AppError(code, `The checkout was refused (${code}); nothing is held`));
    }
  }
}
