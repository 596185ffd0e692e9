import { afterEach, describe, expect, it } from 'vitest';
import { runWithContext, contextFrom, formatTraceparent } from '../context.js';
import { captureLogger, envelope, metricValue, routing, sleep, testMetrics, waitFor } from '../../../test/support/events-fixtures.js';
import type { EventEnvelope } from './event.js';
import { MemoryEventBus } from './memory-event-bus.js';

describe('MemoryEventBus', () => {
  let bus: MemoryEventBus | undefined;
  afterEach(async () => bus?.close());

  it('delivers exactly 10 effects when a consumer fails on 3 of 10 events and then recovers, leaving another consumer unaffected', async () => {
    const { logger } = captureLogger();
    bus = new MemoryEventBus(routing({ 'thing.happened': ['flaky', 'steady'] }), logger, testMetrics(), { retryDelaysMs: [10, 20, 40] });
    const failing = new Set([2, 5, 8]);
    const flakyEffects: number[] = [];
    const steadyEffects: number[] = [];
    await bus.consume('flaky', async (event) => {
      const { n } = event.payload as { n: number };
      if (failing.delete(n)) throw new Error(`transient failure on ${n}`);
      flakyEffects.push(n);
    });
    await bus.consume('steady', async (event) => void steadyEffects.push((event.payload as { n: number }).n));

    for (let n = 0; n < 10; n++) await bus.publish(envelope(n));
    await waitFor('10 effects in both consumers', () => flakyEffects.length >= 10 && steadyEffects.length >= 10);
    await sleep(100); // a duplicate would show up within the retry delays

    expect(flakyEffects.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(steadyEffects.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('never runs a handler inside the publisher’s call stack', async () => {
    bus = new MemoryEventBus(routing({ 'thing.happened': ['a'] }), captureLogger().logger, testMetrics());
    let handled = 0;
    await bus.consume('a', async () => void handled++);
    await bus.publish(envelope(1));
    expect(handled).toBe(0);
    await waitFor('delivery', () => handled === 1);
  });

  it('holds events published before the consumer starts and delivers them once it does', async () => {
    bus = new MemoryEventBus(routing({ 'thing.happened': ['late'] }), captureLogger().logger, testMetrics());
    for (let n = 0; n < 5; n++) await bus.publish(envelope(n));
    await sleep(20);
    const seen: number[] = [];
    await bus.consume('late', async (event) => void seen.push((event.payload as { n: number }).n));
    await waitFor('5 deliveries', () => seen.length === 5);
  });

  it('dead-letters after maxAttempts: one error line and events_dead_lettered_total = 1', async () => {
    const { logger, lines } = captureLogger();
    const metrics = testMetrics();
    bus = new MemoryEventBus(routing({ 'thing.happened': ['broken'] }), logger, metrics, { retryDelaysMs: [5], maxAttempts: 3 });
    let attempts = 0;
    await bus.consume('broken', async () => {
      attempts++;
      throw new Error('always fails');
    });
    await bus.publish(envelope(1, 'evt-dead'));
    await waitFor('dead letter', () => lines.some((line) => line.level === 50));
    await sleep(30);
    expect(attempts).toBe(3);
    expect(await metricValue(metrics, 'events_dead_lettered_total', { module: 'broken', event: 'thing.happened' })).toBe(1);
    expect(lines.filter((line) => line.level === 50)).toMatchObject([{ eventId: 'evt-dead', module: 'broken' }]);
  });

  it('runs the consumer in the publisher’s trace: its log lines carry the traceId and requestId', async () => {
    const { logger, lines } = captureLogger();
    bus = new MemoryEventBus(routing({ 'thing.happened': ['traced'] }), logger, testMetrics());
    const origin = contextFrom({ requestId: 'req-42' });
    await bus.consume('traced', async () => logger.info('consumer ran'));
    const traced: EventEnvelope = { ...envelope(1), traceparent: formatTraceparent(origin), requestId: origin.requestId };
    await runWithContext(contextFrom({}), () => bus!.publish(traced));
    await waitFor('consumer log line', () => lines.some((line) => line.msg === 'consumer ran'));
    expect(lines.find((line) => line.msg === 'consumer ran')).toMatchObject({ traceId: origin.traceId, requestId: 'req-42' });
  });

  it('close() waits for running handlers', async () => {
    bus = new MemoryEventBus(routing({ 'thing.happened': ['slow'] }), captureLogger().logger, testMetrics());
    let finished = false;
    await bus.consume('slow', async () => {
      await sleep(100);
      finished = true;
    });
    await bus.publish(envelope(1));
    await sleep(20);
    await bus.close();
    expect(finished).toBe(true);
  });
});
