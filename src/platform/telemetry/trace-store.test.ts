import { context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { ATTR } from './span-attributes.js';
import { TraceStore } from './trace-store.js';

function recorder(capacity?: number) {
  const store = new TraceStore(capacity);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'shop-orders' }),
    spanProcessors: [store],
  });
  const tracer = provider.getTracer('test');
  /** One trace: a root span and a child, with the given attributes on the root. */
  const traceWith = (attributes: Record<string, string>) => {
    const root = tracer.startSpan('POST /api/v1/orders', { attributes: { [ATTR.module]: 'orders', ...attributes } });
    tracer.startSpan('saga reserve', {}, trace.setSpan(context.active(), root)).end();
    root.end();
    return root.spanContext().traceId;
  };
  return { store, traceWith };
}

describe('TraceStore', () => {
  it('keeps finished spans as plain records grouped by trace, newest trace first', () => {
    const { store, traceWith } = recorder();
    const first = traceWith({});
    const second = traceWith({});
    const [latest, earlier] = store.recentTraces(10);
    expect([latest.traceId, earlier.traceId]).toEqual([second, first]);
    const root = latest.spans.find((span) => span.name === 'POST /api/v1/orders')!;
    const child = latest.spans.find((span) => span.name === 'saga reserve')!;
    expect(root).toMatchObject({
      name: 'POST /api/v1/orders',
      service: 'shop-orders',
      module: 'orders',
      status: 'unset',
    });
    expect(child).toMatchObject({ name: 'saga reserve', parentSpanId: root.spanId, traceId: second });
    expect(root.parentSpanId).toBeUndefined();
    expect(latest.durationMs).toBeGreaterThanOrEqual(0);
    expect(store.recentTraces(1)).toHaveLength(1);
  });

  it('finds traces by trace id, order id or request id', () => {
    const { store, traceWith } = recorder();
    const byOrder = traceWith({ [ATTR.orderId]: 'order-1' });
    const byRequest = traceWith({ [ATTR.requestId]: 'req-1' });
    expect(store.findTraces({ orderId: 'order-1' }).map((found) => found.traceId)).toEqual([byOrder]);
    expect(store.findTraces({ requestId: 'req-1' }).map((found) => found.traceId)).toEqual([byRequest]);
    expect(store.findTraces({ traceId: byRequest })[0].spans).toHaveLength(2);
    expect(store.findTraces({ orderId: 'order-2' })).toEqual([]);
  });

  it('forgets the oldest spans beyond its capacity', () => {
    const { store, traceWith } = recorder(4);
    const first = traceWith({});
    traceWith({});
    traceWith({});
    expect(store.findTraces({ traceId: first })).toEqual([]);
    expect(store.recentTraces(10).flatMap((found) => found.spans)).toHaveLength(4);
  });
});
