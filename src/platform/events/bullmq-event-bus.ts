import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import type { EventEnvelope } from './event.js';
import type { EventBus, EventHandler, EventRouting } from './event-bus.js';
import { runInEventContext } from './event-context.js';
import { withTimeout } from './with-timeout.js';
import { deadLetterCounter } from './event-metrics.js';
import { assertNoEviction } from './redis-eviction-check.js';

export interface BullmqConnection {
  redisUrl: string;
  /** Prefix of every Redis key (BULLMQ_PREFIX), so deployments and test runs can share one Redis. */
  prefix: string;
}

export interface BullmqEventBusOptions {
  /** Deliveries tried before a job is dead-lettered (kept in the failed set); default 10. */
  attempts?: number;
  /** First retry delay, doubled on each retry; default 1000 ms. */
  backoffMs?: number;
  /** Jobs one consume() handles at once; default 10. */
  concurrency?: number;
  /** publish() rejects after this long, so the outbox keeps the row; default 1500 ms. */
  publishTimeoutMs?: number;
  /** How long a worker owns a job without renewing; a killed worker's jobs return after it. Default 30 s. */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired; default 30 s. */
  stalledIntervalMs?: number;
}

export const queueName = (module: string): string => `events-${module}`;

// Quick reconnects (capped at 2 s) so the bus recovers soon after Redis returns.
const retryStrategy = (times: number) => Math.min(times * 200, 2000);
const LOG_EVERY_MS = 10_000;

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
  private readonly workers: Worker[] = [];
  private readonly deadLettered: Counter;
  private readonly lastWarned = new Map<string, number>();

  constructor(
    private readonly connection: BullmqConnection,
    private readonly routing: EventRouting,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly options: BullmqEventBusOptions = {},
  ) {
    this.deadLettered = deadLetterCounter(metrics.registry);
    const common = { retryStrategy, connectTimeout: 2000 };
    this.producer = new Redis(connection.redisUrl, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.producer.on('error', (error) => this.warn('producer', error));
    this.workerTemplate = new Redis(connection.redisUrl, { ...common, lazyConnect: true, maxRetriesPerRequest: null });
  }

  /** Creates the bus and refuses a Redis that may evict keys; an unreachable Redis only warns (the outbox waits). */
  static async connect(connection: BullmqConnection, routing: EventRouting, logger: Logger, metrics: Metrics, options?: BullmqEventBusOptions): Promise<BullmqEventBus> {
    const bus = new BullmqEventBus(connection, routing, logger, metrics, options);
    try {
      if (bus.producer.status !== 'ready') await withTimeout(new Promise((resolve) => bus.producer.once('ready', resolve)), 3000, 'timeout');
    } catch {
      logger.warn({ redisUrl: connection.redisUrl }, 'Redis unreachable at startup; events wait in the outbox until it is back');
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
    await withTimeout(Promise.all(adds), this.options.publishTimeoutMs ?? 1500, `publishing ${envelope.name} timed out (Redis unreachable?)`);
  }

  async consume(module: string, handler: EventHandler): Promise<void> {
    const worker = new Worker<EventEnvelope>(queueName(module), (job) => runInEventContext(job.data, () => handler(job.data)), {
      connection: this.workerTemplate,
      prefix: this.connection.prefix,
      concurrency: this.options.concurrency ?? 10,
      lockDuration: this.options.lockDurationMs ?? 30_000,
      stalledInterval: this.options.stalledIntervalMs ?? 30_000,
      // A crash mid-job must lead to a retry, not a failure: only handler errors count against attempts.
      maxStalledCount: 5,
    });
    worker.on('failed', (job, error) => this.onFailed(module, job, error));
    worker.on('error', (error) => this.warn(`worker:${module}`, error));
    this.workers.push(worker);
  }

  async ping(): Promise<void> {
    await withTimeout(this.producer.ping(), 1000, 'Redis ping timed out');
  }

  /** Lets running jobs finish (worker.close()), then closes queues and connections. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.close()));
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.producer.disconnect();
    this.workerTemplate.disconnect();
  }

  private queue(module: string): Queue {
    let queue = this.queues.get(module);
    if (!queue) {
      queue = new Queue(queueName(module), {
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
      this.queues.set(module, queue);
    }
    return queue;
  }

  private onFailed(module: string, job: Job<EventEnvelope> | undefined, error: Error): void {
    if (!job) return;
    const fields = { err: error, module, event: job.data.name, eventId: job.data.id, attempt: job.attemptsMade };
    // finishedOn is set only when BullMQ gives up; a retry leaves it empty.
    const final = job.finishedOn !== undefined || job.attemptsMade >= (job.opts.attempts ?? 1);
    runInEventContext(job.data, () => {
      if (!final) return this.logger.warn(fields, 'event delivery failed; will retry');
      this.deadLettered.inc({ module, event: job.data.name });
      this.logger.error(fields, 'event dead-lettered: delivery failed on its last attempt (kept in the failed set)');
    });
  }

  // Redis outages make every connection report each reconnect attempt; one line per source per 10 s is enough.
  private warn(source: string, error: Error): void {
    const now = Date.now();
    if (now - (this.lastWarned.get(source) ?? 0) < LOG_EVERY_MS) return;
    this.lastWarned.set(source, now);
    this.logger.warn({ err: error, source }, 'Redis connection problem in the event bus');
  }
}
