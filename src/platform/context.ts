import { AsyncLocalStorage } from 'node:async_hooks';
import { randomFillSync } from 'node:crypto';

/** What every log line, outgoing call and published event of one unit of work carries. */
export interface RequestContext {
  requestId: string;
  traceId: string;
  spanId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const currentContext = (): RequestContext | undefined => storage.getStore();

export const runWithContext = <T>(context: RequestContext, fn: () => T): T => storage.run(context, fn);

// Every request takes three random ids: drawing them from a pool refilled 4 KiB at a time costs one
// call into the CSPRNG per ~170 requests instead of three per request (as randomUUID does internally).
const entropy = Buffer.alloc(4096);
let used = entropy.length;

function randomHex(bytes: number): string {
  if (used + bytes > entropy.length) {
    randomFillSync(entropy);
    used = 0;
  }
  used += bytes;
  return entropy.toString('hex', used - bytes, used);
}

export const newTraceId = (): string => randomHex(16);
export const newSpanId = (): string => randomHex(8);

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
    requestId: input.requestId ?? randomHex(8),
    traceId: parent?.traceId ?? newTraceId(),
    spanId: newSpanId(),
  };
}
