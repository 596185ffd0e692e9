import { describe, expect, it } from 'vitest';
import { contextFrom, currentContext, formatTraceparent, parseTraceparent, runWithContext } from './context.js';

// The example of the W3C Trace Context recommendation.
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const VALID = `00-${TRACE_ID}-${PARENT_ID}-01`;

describe('parseTraceparent (W3C Trace Context, version 00)', () => {
  it('reads the trace id and parent id of a valid header', () => {
    expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE_ID, parentId: PARENT_ID });
  });

  it('accepts a header whose sampled flag is off', () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-00`)).toEqual({ traceId: TRACE_ID, parentId: PARENT_ID });
  });

  it.each([
    ['an all-zero trace id', `00-${'0'.repeat(32)}-${PARENT_ID}-01`],
    ['an all-zero parent id', `00-${TRACE_ID}-${'0'.repeat(16)}-01`],
  ])('rejects %s', (_case, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it.each([
    ['an uppercase trace id', `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`],
    ['an uppercase parent id', `00-${TRACE_ID}-00F067AA0BA902B7-01`],
    ['uppercase flags', `00-${TRACE_ID}-${PARENT_ID}-0A`],
  ])('rejects %s (the spec allows lowercase hex only)', (_case, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['garbage', 'not-a-traceparent'],
    ['a non-hex trace id', `00-${'g'.repeat(32)}-${PARENT_ID}-01`],
    ['a short trace id', `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ['a long parent id', `00-${TRACE_ID}-${PARENT_ID}0-01`],
    ['missing flags', `00-${TRACE_ID}-${PARENT_ID}`],
    ['one-digit flags', `00-${TRACE_ID}-${PARENT_ID}-1`],
    ['trailing data after a version 00 header', `${VALID}-extra`],
    ['the forbidden version ff', `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ['underscores instead of dashes', `00_${TRACE_ID}_${PARENT_ID}_01`],
    ['two headers joined by a comma', `${VALID},${VALID}`],
  ])('rejects %s', (_case, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe('contextFrom', () => {
  it('continues the incoming trace with a fresh span of its own', () => {
    const context = contextFrom({ requestId: 'req-1', traceparent: VALID });
    expect(context.requestId).toBe('req-1');
    expect(context.traceId).toBe(TRACE_ID);
    expect(context.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(context.spanId).not.toBe(PARENT_ID);
  });

  it('starts a new trace and request id when the header is missing or invalid', () => {
    const first = contextFrom({ traceparent: `00-${'0'.repeat(32)}-${PARENT_ID}-01` });
    const second = contextFrom({});
    for (const context of [first, second]) {
      expect(context.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(context.traceId).not.toMatch(/^0+$/);
      expect(context.requestId).toMatch(/\S/);
    }
    expect(first.traceId).not.toBe(second.traceId);
    expect(first.requestId).not.toBe(second.requestId);
  });

  it('formats a traceparent that the next hop parses back to the same trace and this span', () => {
    const context = contextFrom({ traceparent: VALID });
    const outgoing = formatTraceparent(context);
    expect(outgoing).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    expect(parseTraceparent(outgoing)).toEqual({ traceId: TRACE_ID, parentId: context.spanId });
  });
});

describe('runWithContext', () => {
  it('makes the context current inside the call only', () => {
    const context = contextFrom({ requestId: 'req-2' });
    expect(runWithContext(context, () => currentContext())).toBe(context);
    expect(currentContext()).toBeUndefined();
  });
});
