import type { Attributes } from '@opentelemetry/api';
import type { Histogram } from 'prom-client';
import { continuedContext, newRequestId, runWithContext, type Context } from '../kernel/context.js';
import { ATTR } from '../telemetry/span-attributes.js';
import { inSpan, SpanKind } from '../telemetry/spans.js';
import type { EventEnvelope } from '../kernel/event.js';

type Traced = Pick<EventEnvelope, 'traceparent' | 'requestId'>;

/** The trace and request that published `envelope` (a fresh request id when it had none). */
export const eventContext = (envelope: Traced): Context =>
  continuedContext({ traceparent: envelope.traceparent }, { requestId: envelope.requestId ?? newRequestId() });

/**
 * Runs `fn` as part of the trace that published `envelope`, without a span of its own: log lines
 * about the event (a failed delivery) name the originating request.
 */
export const runInEventContext = <T>(envelope: Traced, fn: () => T): T => runWithContext(eventContext(envelope), fn);

/** What the spans of an event's journey say about it: name, id, and the order and request it concerns. */
export function eventAttributes(envelope: EventEnvelope): Attributes {
  const orderId = (envelope.payload as { orderId?: unknown } | undefined)?.orderId;
  return {
    'messaging.system': 'shop',
    'messaging.message.id': envelope.id,
    [ATTR.event]: envelope.name,
    ...(typeof orderId === 'string' ? { [ATTR.orderId]: orderId } : {}),
    ...(envelope.requestId ? { [ATTR.requestId]: envelope.requestId } : {}),
  };
}

/**
 * Runs `module`'s handler of `envelope` in a consumer span, a child of the span that published it
 * (the relay's), so the consumer's work, log lines and calls are in the producer's trace; `lag`
 * observes how long the event took to get here.
 */
export function consumeEvent<T>(
  envelope: EventEnvelope,
  module: string,
  lag: Histogram,
  handle: () => Promise<T>,
): Promise<T> {
  lag.observe({ module, event: envelope.name }, Math.max(0, Date.now() - Date.parse(envelope.occurredAt)) / 1000);
  return inSpan(
    `consume ${envelope.name}`,
    { kind: SpanKind.CONSUMER, parent: eventContext(envelope), module, attributes: eventAttributes(envelope) },
    handle,
  );
}
