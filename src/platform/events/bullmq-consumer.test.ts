import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { captureLogger, envelope, sleep, testMetrics } from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import { TcpProxy } from '../../../test/support/events-tcp-proxy.js';
import { REDIS_URL, requireRedis, uniqueRedisPrefix } from '../../../test/support/services.js';
import { BullmqConsumer } from './bullmq-consumer.js';
import { busLagHistogram, deadLetterCounter } from './event-metrics.js';

const enabled = await requireRedis();

it.skipIf(!enabled)(
  'replaces a Worker that started while Redis was unreachable, and then delivers',
  async () => {
    const redis = new URL(REDIS_URL);
    const proxy = await TcpProxy.start({ host: redis.hostname, port: Number(redis.port || 6379) });
    proxy.cut();
    const { prefix, cleanup } = uniqueRedisPrefix('events-consumer-test');
    const direct = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const template = new Redis(`redis://127.0.0.1:${proxy.port}`, {
      lazyConnect: true,
      maxRetriesPerRequest: null,
      retryStrategy: () => 200,
    });
    const queue = new Queue('events-late', { connection: direct, prefix });
    const delivered: string[] = [];
    const consumer = new BullmqConsumer(
      {
        queue: 'events-late',
        module: 'late',
        prefix,
        connection: template,
        concurrency: 1,
        lockDurationMs: 5000,
        stalledIntervalMs: 5000,
        logger: captureLogger().logger,
        deadLettered: deadLetterCounter(testMetrics().registry),
        busLag: busLagHistogram(testMetrics().registry),
        warn: () => undefined,
      },
      async (event) => void delivered.push(event.id),
    );
    try {
      consumer.start();
      await sleep(1500); // long enough for the first Worker to give up on its connection
      const event = envelope(1);
      await queue.add(event.name, event, { jobId: event.id });
      proxy.restore();
      await eventually('delivery through a replacement Worker', () => delivered.length === 1, { timeoutMs: 10_000 });
      expect(delivered).toEqual([event.id]);
    } finally {
      await consumer.close();
      await queue.close();
      direct.disconnect();
      await proxy.close();
      await cleanup();
    }
  },
  20_000,
);
