import { describe, expect, it } from 'vitest';
import { continuedContext, currentContext, injectTraceHeaders, runWithContext } from './context.js';
import { openSpan } from '../telemetry/spans.js';

// The example of the W3C Trace Context recommendation.
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${PARENT_ID}-01`;

/** The trace a unit of work started with `traceparent` belongs to, as its first span sees it. */
function traceOf(traceparent: string | undefined) {
  const { context } = openSpan('work', { parent: continuedContext({ traceparent }, { requestId: 'req-1' }) });
  return runWithContext(context, () => currentContext()!);
}

describe('continuing a W3C trace (version 00) through the OpenTelemetry propagator', () => {
  it('continues a valid header with a fresh span of its own', () => {
    const context = traceOf(VALID);
    expect(context).toMatchObject({ requestId: 'req-1', traceId: TRACE_ID });
    expect(context.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(context.spanId).not.toBe(PARENT_ID);
  });

  it('continues a header whose sampled flag is off', () => {
    expect(traceOf(`00-${TRACE_ID}-${PARENT_ID}-00`).traceId).toBe(TRACE_ID);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['garbage', 'not-a-traceparent'],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
    ['an uppercase trace id (the spec allows lowercase hex only)', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['an uppercase parent id', `00-${TRACE_ID}-00F067AA0BA902B7-01`],
    ['a non-hex trace id', `00-${'g'.repeat(32)}-${PARENT_ID}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a long parent id', `00-${TRACE_ID}-${PARENT_ID}0-01`],
    ['missing flags', `00-${TRACE_ID}-${PARENT_ID}`],
    ['one-digit flags', `00-${TRACE_ID}-${PARENT_ID}-1`],
    ['trailing data after a version 00 header', `${VALID}-extra`],
    ['the forbidden version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['underscores instead of dashes', `00_${TRACE_ID}_${PARENT_ID}_01`],
    ['two headers joined by a comma', `${VALID},${VALID}`],
  ])('starts a new trace for %s', (_case, header) => {
    const first = traceOf(header);
    expect(first.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(first.traceId).not.toMatch(/^0+$/);
    expect(first.traceId).not.toBe(TRACE_ID);
    expect(traceOf(header).traceId).not.toBe(first.traceId);
  });

  it('hands on a traceparent that names this trace and the current span, and the request id', () => {
    const { context } = openSpan('work', { parent: continuedContext({ traceparent: VALID }, { requestId: 'req-9' }) });
    const { headers, spanId } = runWithContext(context, () => ({
      headers: injectTraceHeaders({}),
      spanId: currentContext()!.spanId,
    }));
    expect(headers.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-${spanId}-0[01]$`));
    expect(headers['x-request-id']).toBe('req-9');
  });
});

describe('runWithContext', () => {
  it('makes the context current inside the call only', () => {
    const context = continuedContext({ traceparent: VALID }, { requestId: 'req-2' });
    expect(runWithContext(context, () => currentContext())).toMatchObject({ requestId: 'req-2', traceId: TRACE_ID });
    expect(currentContext()).toBeUndefined();
  });
});
