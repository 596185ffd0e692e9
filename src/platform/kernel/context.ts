import {
  context,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  ROOT_CONTEXT,
  trace,
  type Context,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { randomFillSync } from 'node:crypto';

/** What one request (or event) carries besides its trace, set once where it enters the process. */
export interface RequestScope {
  requestId: string;
  /** When the request's time budget runs out (epoch ms); unset for background work, which has none. */
  deadline?: number;
}

/** What every log line, outgoing call and published event of one unit of work carries. */
export interface RequestContext extends RequestScope {
  traceId: string;
  spanId: string;
}

export type { Context };

// OpenTelemetry's context is the one async-local store: the active span (trace and span ids) and the
// request scope travel together. Registering it is idempotent: the first registration in a process wins.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

const REQUEST_SCOPE = createContextKey('shop.request_scope');
const propagator = new W3CTraceContextPropagator();

const scopeOf = (active: Context) => active.getValue(REQUEST_SCOPE) as RequestScope | undefined;

/** The current request's scope (its id and deadline), without building the whole context. */
export const currentScope = (): RequestScope | undefined => scopeOf(context.active());

/** The current request's ids, or undefined outside a request or event. */
export function currentContext(): RequestContext | undefined {
  const active = context.active();
  const scope = scopeOf(active);
  const span = trace.getSpanContext(active);
  return scope && span ? { ...scope, traceId: span.traceId, spanId: span.spanId } : undefined;
}

/** The trace and span ids to write on a log line (any span, in a request or not). */
export function logCorrelation(): Record<string, string> | undefined {
  const active = context.active();
  const span = trace.getSpanContext(active);
  const requestId = scopeOf(active)?.requestId;
  const ids = span ? { trace_id: span.traceId, span_id: span.spanId } : undefined;
  return requestId ? { requestId, ...ids } : ids;
}

export const runWithContext = <T>(active: Context, fn: () => T): T => context.with(active, fn);

/** A key for a value that travels with the current unit of work, in the same one async-local store. */
export const contextKey = (name: string): symbol => createContextKey(name);

/** The value under `key` in the current unit of work, if any. */
export const contextValue = <T>(key: symbol): T | undefined => context.active().getValue(key) as T | undefined;

/** Runs `fn` with `value` under `key`, for it and everything it starts. */
export const withContextValue = <T>(key: symbol, value: unknown, fn: () => T): T =>
  context.with(context.active().setValue(key, value), fn);

// Every request takes a random id: drawing them from a pool refilled 4 KiB at a time costs one call
// into the CSPRNG per ~500 requests instead of one per request.
const entropy = Buffer.alloc(4096);
let used = entropy.length;

export function newRequestId(): string {
  if (used + 8 > entropy.length) {
    randomFillSync(entropy);
    used = 0;
  }
  used += 8;
  return entropy.toString('hex', used - 8, used);
}

/** Request headers, or an event envelope: where a W3C trace context travels. */
export type TraceCarrier = { [field: string]: string | string[] | undefined };

/**
 * The context a unit of work continues: the caller's W3C trace (when `traceparent` is valid; the
 * propagator rejects what the spec forbids) and its request scope. Spans started in it are children.
 */
export function continuedContext(carrier: TraceCarrier, scope: RequestScope): Context {
  const traced = carrier.traceparent ? propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter) : ROOT_CONTEXT;
  return traced.setValue(REQUEST_SCOPE, scope);
}

/** The W3C `traceparent` (and `tracestate`) naming the span of `active` as the parent of what follows. */
export function traceCarrierOf(active: Context = context.active()): { traceparent?: string; tracestate?: string } {
  const carrier: Record<string, string> = {};
  propagator.inject(active, carrier, defaultTextMapSetter);
  return carrier;
}

/** Adds `traceparent` (and `tracestate`) of the current span, and the request id, to outgoing headers. */
export function injectTraceHeaders(headers: Record<string, string>): Record<string, string> {
  const active = context.active();
  propagator.inject(active, headers, defaultTextMapSetter);
  const scope = scopeOf(active);
  if (scope) headers['x-request-id'] = scope.requestId;
  return headers;
}
