import { PROBLEM_CONTENT_TYPE, problemBody } from '../../../platform/http/problem.js';
import type { RouteResponse } from '../../../platform/kernel/route.js';
import { ATTR } from '../../../platform/telemetry/span-attributes.js';
import { annotate } from '../../../platform/telemetry/spans.js';
import { refusalError, type CheckoutOutcome } from '../application/checkout-outcome.js';
import { orderLocation } from '../application/order-view.js';
import type { CheckoutMetrics } from '../application/ports/checkout-metrics.port.js';

/**
 * The HTTP answer to a checkout outcome, live or replayed: 201 once the order is confirmed (even if
 * cancelled since), 202 while its payment is still being settled in the background, and a refusal as
 * problem+json (402 for a failed payment) with Retry-After when the client may simply try again. A
 * replayed refusal reports the trace of the request that decided it.
 */
export function checkoutResponse(outcome: CheckoutOutcome): RouteResponse {
  if (outcome.kind === 'placed') {
    const { order } = outcome;
    const status = order.status === 'payment_pending' ? 202 : 201;
    return { status, headers: { Location: orderLocation(order.id) }, body: order };
  }
  const { retryAfterSeconds, traceId } = outcome.refusal;
  const error = refusalError(outcome.refusal);
  const headers: Record<string, string> = { 'Content-Type': PROBLEM_CONTENT_TYPE };
  if (retryAfterSeconds !== undefined) headers['Retry-After'] = String(retryAfterSeconds);
  return { status: error.status, headers, body: { ...problemBody(error), traceId } };
}

/**
 * Counts a checkout's answer (a replay only as a replay) and names its order on the request's span,
 * so the request's trace is found by the order id.
 */
export function observeCheckout(metrics: CheckoutMetrics, outcome: CheckoutOutcome, replayed: boolean): void {
  if (outcome.kind === 'placed') annotate({ [ATTR.orderId]: outcome.order.id });
  if (replayed) return metrics.replayed();
  metrics.checkoutAnswered(outcome.kind === 'placed' ? outcome.order.status : outcome.refusal.code);
}
