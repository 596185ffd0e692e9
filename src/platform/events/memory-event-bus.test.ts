import { afterEach, describe, expect, it } from 'vitest';
import { continuedContext, runWithContext } from '../kernel/context.js';
import { captureLogger, envelope, routing, sleep, testMetrics } from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import type { EventEnvelope } from '../kernel/event.js';
import { EventDeliveryError } from './event-bus.js';
import { MemoryEventBus } from './memory-event-bus.js';

const n = (event: EventEnvelope) => (event.payload as { n: number }).n;

describe('MemoryEventBus', () => {
  let bus: MemoryEventBus | undefined;
  afterEach(async () => bus?.close());

  it('resolves publish only once every consuming module’s handler has completed', async () => {
    bus = new MemoryEventBus(routing({ 'thing.happened': ['fast', 'slow'] }), captureLogger().logger, testMetrics());
    const done: string[] = [];
    await bus.consume('fast', async () => void done.push('fast'));
    await bus.consume('slow', async () => {
      await sleep(80);
      done.push('slow');
    });
    const started = Date.now();
    await bus.publish(envelope(1));
    expect(done.sort()).toEqual(['fast', 'slow']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
  });

  it('rejects publish naming the failed consumer, after still running the other consumers', async () => {
    bus = new MemoryEventBus(
      routing({ 'thing.happened': ['broken', 'steady', 'also-steady'] }),
      captureLogger().logger,
      testMetrics(),
    );
    const effects: string[] = [];
    await bus.consume('broken', async () => {
      throw new Error('consumer down');
    });
    await bus.consume('steady', async () => void effects.push('steady'));
    await bus.consume('also-steady', async () => {
      await sleep(30); // still attempted although "broken" failed first
      effects.push('also-steady');
    });
    const error = await bus.publish(envelope(1)).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(EventDeliveryError);
    expect((error as EventDeliveryError).modules).toEqual(['broken']);
    expect((error as Error).message).toContain('consumer down');
    expect(effects.sort()).toEqual(['also-steady', 'steady']);
  });

  it('keeps no retry state of its own: a failed delivery is not attempted again unless published again', async () => {
    bus = new MemoryEventBus(routing({ 'thing.happened': ['flaky'] }), captureLogger().logger, testMetrics());
    let calls = 0;
    await bus.consume('flaky', async () => {
      calls++;
      if (calls === 1) throw new Error('transient');
    });
    const event = envelope(1);
    await expect(bus.publish(event)).rejects.toThrow('transient');
    await sleep(100);
    expect(calls).toBe(1);
    await bus.publish(event);
    expect(calls).toBe(2);
  });

  it('never runs a handler inside the publisher’s call stack', async () => {
    bus = new MemoryEventBus(routing({ 'thing.happened': ['a'] }), captureLogger().logger, testMetrics());
    let handled = 0;
    await bus.consume('a', async () => void handled++);
    const published = bus.publish(envelope(1));
    await Promise.resolve();
    expect(handled).toBe(0);
    await published;
    expect(handled).toBe(1);
  });

  it('runs each consuming module’s deliveries concurrently, up to its concurrency limit', async () => {
    bus = new MemoryEventBus(routing({ 'thing.happened': ['limited'] }), captureLogger().logger, testMetrics(), {
      concurrency: 3,
    });
    let active = 0;
    let peak = 0;
    const seen: number[] = [];
    await bus.consume('limited', async (event) => {
      active++;
      peak = Math.max(peak, active);
      await sleep(20);
      seen.push(n(event));
      active--;
    });
    await Promise.all(Array.from({ length: 9 }, (_, i) => bus!.publish(envelope(i))));
    expect(peak).toBe(3);
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('holds events published before the consumer starts and delivers them once it does', async () => {
    bus = new MemoryEventBus(routing({ 'thing.happened': ['late'] }), captureLogger().logger, testMetrics());
    const published = Promise.all(Array.from({ length: 5 }, (_, i) => bus!.publish(envelope(i))));
    await sleep(20);
    const seen: number[] = [];
    await bus.consume('late', async (event) => void seen.push(n(event)));
    await published;
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('resolves at once for an event nobody consumes', async () => {
    bus = new MemoryEventBus(routing({}), captureLogger().logger, testMetrics());
    await expect(bus.publish(envelope(1))).resolves.toBeUndefined();
  });

  it('gives each consumer its own copy of the envelope', async () => {
    bus = new MemoryEventBus(
      routing({ 'thing.happened': ['mutator', 'reader'] }),
      captureLogger().logger,
      testMetrics(),
    );
    let read: number | undefined;
    await bus.consume('mutator', async (event) => void ((event.payload as { n: number }).n = 99));
    await bus.consume('reader', async (event) => {
      await sleep(10);
      read = n(event);
    });
    const event = envelope(1);
    await bus.publish(event);
    expect(read).toBe(1);
    expect(event.payload.n).toBe(1);
  });

  it('runs the consumer in the publisher’s trace: its log lines carry the trace_id, span_id and requestId', async () => {
    const { logger, lines } = captureLogger();
    bus = new MemoryEventBus(routing({ 'thing.happened': ['traced'] }), logger, testMetrics());
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await bus.consume('traced', async () => logger.info('consumer ran'));
    const traced: EventEnvelope = {
      ...envelope(1),
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      requestId: 'req-42',
    };
    await runWithContext(continuedContext({}, { requestId: 'another' }), () => bus!.publish(traced));
    expect(lines.find((line) => line.msg === 'consumer ran')).toMatchObject({
      trace_id: traceId,
      span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
      requestId: 'req-42',
    });
  });

  it('close() waits for running handlers, refuses deliveries not started yet, and then refuses publish and ping', async () => {
    bus = new MemoryEventBus(routing({ 'thing.happened': ['slow'] }), captureLogger().logger, testMetrics(), {
      concurrency: 1,
    });
    const finished: number[] = [];
    await bus.consume('slow', async (event) => {
      await sleep(100);
      finished.push(n(event));
    });
    const first = bus.publish(envelope(1));
    const second = bus.publish(envelope(2)).then(
      () => undefined,
      (error: unknown) => error,
    ); // queued behind the first (concurrency 1)
    await sleep(20);
    await bus.close();
    expect(finished).toEqual([1]);
    await expect(first).resolves.toBeUndefined();
    expect(await second).toBeInstanceOf(EventDeliveryError);
    await expect(bus.publish(envelope(3))).rejects.toThrow('closed');
    await expect(bus.ping()).rejects.toThrow('closed');
    await eventually('nothing else to run', () => finished.length === 1);
  });
});
