import { currentContext } from '../../../platform/kernel/context.js';
import {
  AppError,
  GENERIC_ERRORS,
  errorKindIn,
  type ErrorKind,
  type FieldError,
} from '../../../platform/kernel/errors.js';
import { ORDERS_ERRORS, type OrderView } from '../contract/orders.contract.js';
import type { Order } from '../domain/order.js';
import { toOrderView } from './order-view.js';

/**
 * Why a checkout was refused, as plain data: it is stored with an idempotency record and replayed,
 * so it carries the trace id of the request that decided it. `http/` renders it as problem+json.
 */
export interface Refusal {
  code: string;
  detail: string;
  errors?: FieldError[];
  extra?: Record<string, unknown>;
  /** The client may try again after this long (a dependency was unreachable). */
  retryAfterSeconds?: number;
  traceId?: string;
}

/**
 * What a checkout request ends with: an order (confirmed, or still being settled in the background)
 * or a refusal. The same value is the response of the request and, for a keyed checkout, the
 * record a retry replays.
 */
export type CheckoutOutcome = { kind: 'placed'; order: OrderView } | Refused;
export type Refused = { kind: 'refused'; refusal: Refusal };

export const refused = (error: AppError): Refused => ({
  kind: 'refused',
  refusal: {
    code: error.code,
    detail: error.detail,
    ...(error.options.errors ? { errors: error.options.errors } : {}),
    ...(error.options.extra ? { extra: error.options.extra } : {}),
    ...(error.options.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.options.retryAfterSeconds } : {}),
    traceId: currentContext()?.traceId,
  },
});

/** A dependency could not be reached before anything was held: nothing happened, retry shortly. */
export const unavailable = (detail: string): Refused =>
  refused(new AppError('service_unavailable', detail, { retryAfterSeconds: 1 }));

/** What a refusal's code stands for: one of orders' codes (the catalog's it passes on included) or a generic one. */
const kindOf = (code: unknown): ErrorKind | undefined =>
  errorKindIn(ORDERS_ERRORS, code) ?? errorKindIn(GENERIC_ERRORS, code);

/** The error a refusal stands for, with its status; a code nobody declares would be a bug, a 500. */
export const refusalError = ({ code, detail, errors, extra }: Refusal): AppError =>
  new AppError(kindOf(code) ?? 'internal_error', detail, { errors, extra });

/** Final outcomes are kept for replay; a retryable failure (5xx) frees the key for the client's retry. */
export const isFinal = (outcome: CheckoutOutcome): boolean =>
  outcome.kind === 'placed' || refusalError(outcome.refusal).status < 500;

const FAILURE_DETAIL: Record<string, string> = {
  payment_declined: 'The payment was declined; nothing was charged and no stock is held',
  reservation_expired: 'The stock reservation expired before the payment completed; the charge was refunded',
  checkout_interrupted:
    'The checkout was interrupted before the payment completed; nothing was charged and no stock is held',
  payment_unavailable: 'The payment could not be completed in time; nothing was charged and no stock is held',
};

/**
 * The outcome an order stands for: placed once confirmed (even if cancelled since) or while its
 * payment is still being settled; refused when its payment failed or the checkout was rejected.
 */
export function outcomeOf(order: Order): CheckoutOutcome {
  switch (order.status) {
    case 'confirmed':
    case 'cancelling':
    case 'cancelled':
    case 'pending':
    case 'payment_pending':
      return { kind: 'placed', order: toOrderView(order) };
    case 'payment_failed': {
      const detail = FAILURE_DETAIL[order.failureCode ?? ''] ?? FAILURE_DETAIL.payment_declined;
      return refused(new AppError(ORDERS_ERRORS.payment_declined, detail, { extra: { orderId: order.id } }));
    }
    case 'rejected': {
      const kind = kindOf(order.failureCode) ?? GENERIC_ERRORS.service_unavailable;
      return refused(new AppError(kind, `The checkout was refused (${kind.code}); nothing is held`));
    }
  }
}
