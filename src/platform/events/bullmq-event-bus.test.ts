import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  captureLogger,
  envelope,
  metricValue,
  routing,
  sleep,
  testMetrics,
} from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import { REDIS_URL, requireRedis, uniqueRedisPrefix } from '../../../test/support/services.js';
import { BullmqEventBus, type BullmqEventBusOptions } from './bullmq-event-bus.js';
import { queueName } from './bullmq-options.js';
import type { EventBus } from './event-bus.js';

const enabled = await requireRedis();

describe.skipIf(!enabled)('BullmqEventBus against the real Redis', () => {
  const { prefix, cleanup } = uniqueRedisPrefix('events-bus-test');
  const buses: EventBus[] = [];
  let inspector: Redis;
  const counts = async (module: string) => {
    const queue = new Queue(queueName(module), { connection: inspector, prefix });
    try {
      return await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
    } finally {
      await queue.close();
    }
  };
  const connect = async (
    routes: Record<string, string[]>,
    options: BullmqEventBusOptions = {},
    logger = captureLogger().logger,
    metrics = testMetrics(),
  ) => {
    const bus = await BullmqEventBus.connect(
      { redisUrl: REDIS_URL, prefix },
      routing(routes),
      logger,
      metrics,
      options,
    );
    buses.push(bus);
    return bus;
  };

  beforeAll(() => void (inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: null })));
  afterEach(async () => void (await Promise.all(buses.splice(0).map((bus) => bus.close()))));
  afterAll(async () => {
    inspector.disconnect();
    await cleanup();
  });

  it('keeps 100 events waiting in Redis while the consumer is stopped, then delivers exactly 100', async () => {
    const publisher = await connect({ 'thing.happened': ['waiting'] });
    for (let n = 0; n < 100; n++) await publisher.publish(envelope(n));
    expect((await counts('waiting')).waiting).toBe(100);

    const consumer = await connect({ 'thing.happened': ['waiting'] });
    const effects = new Map<string, number>();
    await consumer.consume('waiting', async (event) => void effects.set(event.id, (effects.get(event.id) ?? 0) + 1));
    await eventually('100 effects', () => effects.size === 100, { timeoutMs: 10_000 });
    await sleep(100);
    expect([...effects.values()].reduce((sum, count) => sum + count, 0)).toBe(100);
    expect(await counts('waiting')).toMatchObject({ waiting: 0, active: 0, completed: 100, failed: 0 });
  });

  it('treats a re-publish of the same event id as a no-op while its job exists', async () => {
    const bus = await connect({ 'thing.happened': ['dedupe'] });
    const event = envelope(1);
    await bus.publish(event);
    await bus.publish(event);
    await bus.publish({ ...event });
    expect((await counts('dedupe')).waiting).toBe(1);
  });

  it('retries with backoff, then dead-letters after N attempts: failed set, one error line, counter = 1', async () => {
    const { logger, lines } = captureLogger();
    const metrics = testMetrics();
    const bus = await connect({ 'thing.happened': ['broken'] }, { attempts: 3, backoffMs: 20 }, logger, metrics);
    let attempts = 0;
    await bus.consume('broken', async () => {
      attempts++;
      throw new Error('always fails');
    });
    await bus.publish(envelope(1, 'evt-dead-letter'));
    await eventually('dead letter', () => lines.some((line) => line.level === 50), { timeoutMs: 5000 });
    expect(attempts).toBe(3);
    expect(lines.filter((line) => line.level === 50)).toMatchObject([{ eventId: 'evt-dead-letter', module: 'broken' }]);
    expect(
      await metricValue(metrics, 'events_dead_lettered_total', { module: 'broken', event: 'thing.happened' }),
    ).toBe(1);
    expect((await counts('broken')).failed).toBe(1);
  });

  it('runs the consumer in the publisher’s trace: its log lines carry trace_id, span_id and requestId', async () => {
    const { logger, lines } = captureLogger();
    const bus = await connect({ 'thing.happened': ['traced'] }, {}, logger);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await bus.consume('traced', async () => logger.info('consumer ran'));
    await bus.publish({ ...envelope(1), traceparent: `00-${traceId}-00f067aa0ba902b7-01`, requestId: 'req-bullmq' });
    await eventually('consumer log line', () => lines.some((line) => line.msg === 'consumer ran'), { timeoutMs: 5000 });
    expect(lines.find((line) => line.msg === 'consumer ran')).toMatchObject({
      trace_id: traceId,
      span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
      requestId: 'req-bullmq',
    });
  });

  it('fails publish and ping within 2 s when Redis is unreachable', async () => {
    const { logger } = captureLogger();
    const bus = new BullmqEventBus(
      { redisUrl: 'redis://127.0.0.1:1', prefix },
      routing({ 'thing.happened': ['nowhere'] }),
      logger,
      testMetrics(),
    );
    buses.push(bus);
    const started = Date.now();
    await expect(bus.publish(envelope(1))).rejects.toThrow();
    await expect(bus.ping()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
