import { SpanKind, SpanStatusCode, type Attributes, type Context } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR } from './span-attributes.js';

/** A finished span as the console shows it: plain JSON. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  /** `service.name` of the process that recorded it. */
  service: string;
  module: string;
  /** Epoch milliseconds. */
  startMs: number;
  durationMs: number;
  attributes: Attributes;
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string;
}

/** The spans of one trace this process recorded, oldest first. */
export interface StoredTrace {
  traceId: string;
  startMs: number;
  durationMs: number;
  spans: StoredSpan[];
}

export interface TraceQuery {
  traceId?: string;
  orderId?: string;
  requestId?: string;
}

const KINDS = ['internal', 'server', 'client', 'producer', 'consumer'] as const;
const STATUSES = {
  [SpanStatusCode.UNSET]: 'unset',
  [SpanStatusCode.OK]: 'ok',
  [SpanStatusCode.ERROR]: 'error',
} as const;

/**
 * The recent finished spans of this process, for the console: a span processor that keeps the last
 * `capacity` spans (the oldest are forgotten first) grouped by trace. Nothing is kept on disk; a
 * trace that crossed processes is in each process's store in part, joined by its trace id.
 */
export class TraceStore implements SpanProcessor {
  /** A ring: `next` is where the next span goes, over the oldest once full. */
  private readonly ring: (ReadableSpan | undefined)[];
  private next = 0;
  /** By trace id, in order of last activity (a Map keeps insertion order; a new span moves its trace last). */
  private readonly byTrace = new Map<string, ReadableSpan[]>();

  constructor(capacity = 10_000) {
    this.ring = new Array<ReadableSpan | undefined>(capacity);
  }

  /** The `limit` traces with the most recent activity, newest first. */
  recentTraces(limit = 20): StoredTrace[] {
    const ids = [...this.byTrace.keys()].slice(-limit).reverse();
    return ids.map((traceId) => this.traceOf(traceId));
  }

  /** Traces with the given id, or with a span naming the order or request; newest first. */
  findTraces(query: TraceQuery): StoredTrace[] {
    const matches = (span: ReadableSpan) =>
      (query.traceId === undefined || span.spanContext().traceId === query.traceId) &&
      (query.orderId === undefined || span.attributes[ATTR.orderId] === query.orderId) &&
      (query.requestId === undefined || span.attributes[ATTR.requestId] === query.requestId);
    const ids = new Set<string>();
    for (const [traceId, spans] of this.byTrace) if (spans.some(matches)) ids.add(traceId);
    return [...ids].reverse().map((traceId) => this.traceOf(traceId));
  }

  onStart(_span: Span, _parentContext: Context): void {}

  /** Keeps the span as the SDK made it: it becomes plain JSON only when someone looks (hot path). */
  onEnd(span: ReadableSpan): void {
    const oldest = this.ring[this.next];
    if (oldest) this.forget(oldest);
    this.ring[this.next] = span;
    this.next = (this.next + 1) % this.ring.length;
    const { traceId } = span.spanContext();
    const spans = this.byTrace.get(traceId) ?? [];
    spans.push(span);
    this.byTrace.delete(traceId);
    this.byTrace.set(traceId, spans);
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}

  private forget(oldest: ReadableSpan): void {
    const { traceId } = oldest.spanContext();
    const spans = this.byTrace.get(traceId);
    if (!spans) return;
    // The oldest span of the store is the oldest of its trace: the first one.
    spans.shift();
    if (spans.length === 0) this.byTrace.delete(traceId);
  }

  private traceOf(traceId: string): StoredTrace {
    const spans = (this.byTrace.get(traceId) ?? []).map(toStored).sort((a, b) => a.startMs - b.startMs);
    const startMs = spans[0]?.startMs ?? 0;
    const endMs = Math.max(...spans.map((span) => span.startMs + span.durationMs));
    return { traceId, startMs, durationMs: endMs - startMs, spans };
  }
}

function toStored(span: ReadableSpan): StoredSpan {
  const { traceId, spanId } = span.spanContext();
  const { attributes } = span;
  return {
    traceId,
    spanId,
    ...(span.parentSpanContext ? { parentSpanId: span.parentSpanContext.spanId } : {}),
    name: span.name,
    kind: KINDS[span.kind] ?? KINDS[SpanKind.INTERNAL],
    service: String(span.resource.attributes['service.name'] ?? ''),
    module: String(attributes[ATTR.module] ?? ''),
    startMs: hrTimeToMilliseconds(span.startTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    attributes,
    status: STATUSES[span.status.code],
    ...(span.status.message ? { statusMessage: span.status.message } : {}),
  };
}
