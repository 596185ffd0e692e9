import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';

/** What every log line, outgoing call and published event of one unit of work carries. */
export interface RequestContext {
  requestId: string;
  traceId: string;
  spanId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const currentContext = (): RequestContext | undefined => storage.getStore();

export const runWithContext = <T>(context: RequestContext, fn: () => T): T => storage.run(context, fn);

export const newTraceId = (): string => randomBytes(16).toString('hex');
export const newSpanId = (): string => randomBytes(8).toString('hex');

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$/;

/** Parses a W3C traceparent; all-zero ids are invalid per the spec. */
export function parseTraceparent(header: string | undefined): { traceId: string; parentId: string } | undefined {
  const match = header ? TRACEPARENT.exec(header.trim()) : null;
  if (!match || /^0+$/.test(match[1]) || /^0+$/.test(match[2])) return undefined;
  return { traceId: match[1], parentId: match[2] };
}

export const formatTraceparent = (context: RequestContext): string => `00-${context.traceId}-${context.spanId}-01`;

/** A context continuing the given trace (or a new one), with a fresh span. */
export function contextFrom(input: { requestId?: string; traceparent?: string }): RequestContext {
  const parent = parseTraceparent(input.traceparent);
  return {
    requestId: input.requestId ?? randomBytes(8).toString('hex'),
    traceId: parent?.traceId ?? newTraceId(),
    spanId: newSpanId(),
  };
}
