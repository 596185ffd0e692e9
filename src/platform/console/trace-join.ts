import type { StoredSpan, StoredTrace } from '../telemetry/trace-store.js';
import { ATTR } from '../telemetry/span-attributes.js';

/** A trace in a list: enough to recognise it and to decide to open it. */
export interface TraceSummary {
  traceId: string;
  /** Name of the earliest span without a parent among those recorded (or the earliest span). */
  root: string;
  startMs: number;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
  modules: string[];
  orderIds: string[];
  requestIds: string[];
}

/**
 * One trace from the parts of it that several processes recorded: spans joined by trace id (a span
 * reported twice, e.g. by two readings, counts once), oldest first.
 */
export function joinTraces(parts: StoredTrace[]): StoredTrace[] {
  const byTrace = new Map<string, Map<string, StoredSpan>>();
  for (const part of parts) {
    const spans = byTrace.get(part.traceId) ?? new Map<string, StoredSpan>();
    for (const span of part.spans) spans.set(span.spanId, span);
    byTrace.set(part.traceId, spans);
  }
  return [...byTrace].map(([traceId, spans]) => traceOf(traceId, [...spans.values()]));
}

function traceOf(traceId: string, spans: StoredSpan[]): StoredTrace {
  spans.sort((a, b) => a.startMs - b.startMs);
  const startMs = spans[0]?.startMs ?? 0;
  const endMs = Math.max(startMs, ...spans.map((span) => span.startMs + span.durationMs));
  return { traceId, startMs, durationMs: endMs - startMs, spans };
}

const distinct = (values: unknown[]) =>
  [...new Set(values.filter((value) => value !== undefined && value !== '').map(String))].sort();

export function summarize(trace: StoredTrace): TraceSummary {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  const root = trace.spans.find((span) => !span.parentSpanId || !ids.has(span.parentSpanId)) ?? trace.spans[0];
  return {
    traceId: trace.traceId,
    root: root?.name ?? '',
    startMs: trace.startMs,
    durationMs: trace.durationMs,
    spanCount: trace.spans.length,
    errorCount: trace.spans.filter((span) => span.status === 'error').length,
    services: distinct(trace.spans.map((span) => span.service)),
    modules: distinct(trace.spans.map((span) => span.module)),
    orderIds: distinct(trace.spans.map((span) => span.attributes[ATTR.orderId])),
    requestIds: distinct(trace.spans.map((span) => span.attributes[ATTR.requestId])),
  };
}
