import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Counter, Histogram } from 'prom-client';
import type { Metrics } from '../telemetry/metrics.js';
import type { Logger } from '../kernel/logger.js';
import { BullmqConsumer } from './bullmq-consumer.js';
import { queueName, type BullmqConnection, type BullmqEventBusOptions } from './bullmq-options.js';
import type { EventEnvelope } from '../kernel/event.js';
import type { EventBus, EventHandler, EventRouting } from './event-bus.js';
import { busLagHistogram, deadLetterCounter } from './event-metrics.js';
import { assertNoEviction } from './redis-eviction-check.js';
import { withTimeout } from '../resilience/with-timeout.js';
import { rateLimitedWarning } from './rate-limited-warning.js';

export type { BullmqConnection, BullmqEventBusOptions };

// Quick reconnects (capped at 2 s) so the bus recovers soon after Redis returns.
const retryStrategy = (times: number) => Math.min(times * 200, 2000);

/**
 * Event bus over BullMQ: one queue per consuming module, job id = event id (re-publishing an event
 * whose job still exists is a no-op), exponential retries, failed jobs kept as the dead-letter set.
 * Create it with {@link BullmqEventBus.connect}, which also checks Redis' eviction policy.
 */
export class BullmqEventBus implements EventBus {
  // Offline queueing disabled: while Redis is away a publish fails at once instead of piling up in memory.
  private readonly producer: Redis;
  // Never connected itself; each Worker duplicates it (workers need maxRetriesPerRequest: null).
  private readonly workerTemplate: Redis;
  private readonly queues = new Map<string, Queue>();
  private readonly consumers: BullmqConsumer[] = [];
  private readonly deadLettered: Counter;
  private readonly busLag: Histogram;
  private readonly warn: (source: string, error: Error) => void;

  constructor(
    private readonly connection: BullmqConnection,
    private readonly routing: EventRouting,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly options: BullmqEventBusOptions = {},
  ) {
    this.deadLettered = deadLetterCounter(metrics.registry);
    this.busLag = busLagHistogram(metrics.registry);
    this.warn = rateLimitedWarning(logger, 'Redis connection problem in the event bus');
    const common = { retryStrategy, connectTimeout: 2000 };
    this.producer = new Redis(connection.redisUrl, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.producer.on('error', (error) => this.warn('producer', error));
    this.workerTemplate = new Redis(connection.redisUrl, { ...common, lazyConnect: true, maxRetriesPerRequest: null });
  }

  /** Creates the bus and refuses a Redis that may evict keys; an unreachable Redis only warns (the outbox waits). */
  static async connect(
    connection: BullmqConnection,
    routing: EventRouting,
    logger: Logger,
    metrics: Metrics,
    options?: BullmqEventBusOptions,
  ): Promise<BullmqEventBus> {
    const bus = new BullmqEventBus(connection, routing, logger, metrics, options);
    try {
      if (bus.producer.status !== 'ready')
        await withTimeout(new Promise((resolve) => bus.producer.once('ready', resolve)), 3000, 'timeout');
    } catch {
      logger.warn(
        { redisUrl: connection.redisUrl },
        'Redis unreachable at startup; events wait in the outbox until it is back',
      );
      // Too late to refuse startup, but an evicting Redis must still be reported loudly.
      bus.producer.once(
        'ready',
        () =>
          void assertNoEviction(bus.producer, logger).catch((error: unknown) =>
            logger.error({ err: error }, 'unsafe Redis configuration'),
          ),
      );
      return bus;
    }
    await assertNoEviction(bus.producer, logger).catch(async (error: unknown) => {
      await bus.close();
      throw error;
    });
    return bus;
  }

  async publish(envelope: EventEnvelope): Promise<void> {
    const modules = this.routing.get(envelope.name) ?? [];
    const adds = modules.map((module) => this.queue(module).add(envelope.name, envelope, { jobId: envelope.id }));
    await withTimeout(
      Promise.all(adds),
      this.options.publishTimeoutMs ?? 1500,
      `publishing ${envelope.name} timed out (Redis unreachable?)`,
    );
  }

  async consume(module: string, handler: EventHandler): Promise<void> {
    const consumer = new BullmqConsumer(
      {
        queue: queueName(module),
        module,
        prefix: this.connection.prefix,
        connection: this.workerTemplate,
        concurrency: this.options.concurrency ?? 10,
        lockDurationMs: this.options.lockDurationMs ?? 30_000,
        stalledIntervalMs: this.options.stalledIntervalMs ?? 30_000,
        logger: this.logger,
        deadLettered: this.deadLettered,
        busLag: this.busLag,
        warn: (source, error) => this.warn(source, error),
      },
      handler,
    );
    this.consumers.push(consumer);
    // A Worker created while Redis is down starts broken (the consumer then replaces it); waiting is quieter.
    if (this.producer.status === 'ready') consumer.start();
    else this.producer.once('ready', () => consumer.start());
  }

  async ping(): Promise<void> {
    await withTimeout(this.producer.ping(), 1000, 'Redis ping timed out');
  }

  /** Lets running jobs finish (worker.close()), then closes queues and connections. */
  async close(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.producer.disconnect();
    this.workerTemplate.disconnect();
  }

  private queue(module: string): Queue {
    const existing = this.queues.get(module);
    if (existing) return existing;
    const queue = new Queue(queueName(module), {
      connection: this.producer,
      prefix: this.connection.prefix,
      defaultJobOptions: {
        attempts: this.options.attempts ?? 10,
        backoff: { type: 'exponential', delay: this.options.backoffMs ?? 1000 },
        // Completed jobs stay a day so a late re-publish of the same event id is still a no-op.
        removeOnComplete: { age: 24 * 3600, count: 100_000 },
        removeOnFail: false,
      },
    });
    queue.on('error', (error) => this.warn(`queue:${module}`, error));
    // A Queue whose connection setup failed stays broken in BullMQ: forget it, the next publish makes a new one.
    queue.waitUntilReady().catch(() => {
      if (this.queues.get(module) === queue) this.queues.delete(module);
      void queue.close().catch(() => undefined);
    });
    this.queues.set(module, queue);
    return queue;
  }
}
