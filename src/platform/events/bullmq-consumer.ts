import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Counter, Histogram } from 'prom-client';
import type { Logger } from '../kernel/logger.js';
import type { EventEnvelope } from '../kernel/event.js';
import type { EventHandler } from './event-bus.js';
import { consumeEvent, runInEventContext } from './event-context.js';

export interface BullmqConsumerSettings {
  queue: string;
  module: string;
  prefix: string;
  /** Never connected itself: each Worker duplicates it. */
  connection: Redis;
  concurrency: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  logger: Logger;
  deadLettered: Counter;
  /** Observes each event's time from its outbox write to here. */
  busLag: Histogram;
  /** Reports connection trouble (the bus rate-limits these lines). */
  warn(source: string, error: Error): void;
}

const RESTART_DELAY_MS = 1000;

/**
 * One consuming module's BullMQ Worker, kept alive: a Worker whose first connection attempt fails
 * (e.g. Redis down at startup) never recovers by itself in BullMQ, so it is replaced until one
 * connects. Failed deliveries are logged; the last one is a dead letter (log line + counter).
 */
export class BullmqConsumer {
  private worker?: Worker<EventEnvelope>;
  private restartTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly settings: BullmqConsumerSettings,
    private readonly handler: EventHandler,
  ) {}

  start(): void {
    if (this.closed) return;
    const { queue, module, prefix, connection, concurrency, lockDurationMs, stalledIntervalMs } = this.settings;
    const worker = new Worker<EventEnvelope>(
      queue,
      (job) => consumeEvent(job.data, module, this.settings.busLag, () => this.handler(job.data)),
      {
        connection,
        prefix,
        concurrency,
        lockDuration: lockDurationMs,
        stalledInterval: stalledIntervalMs,
        // A crash mid-job must lead to a retry, not a failure: only handler errors count against attempts.
        maxStalledCount: 5,
      },
    );
    worker.on('failed', (job, error) => this.onFailed(job, error));
    worker.on('error', (error) => this.settings.warn(`worker:${module}`, error));
    worker.waitUntilReady().catch(() => this.replace(worker));
    this.worker = worker;
  }

  /** Waits for running jobs (worker.close()), then releases the Worker's connections. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.restartTimer);
    await this.worker?.close();
  }

  private async replace(broken: Worker<EventEnvelope>): Promise<void> {
    if (this.closed || this.worker !== broken) return;
    await broken.close(true).catch(() => undefined);
    this.restartTimer = setTimeout(() => this.closed || this.start(), RESTART_DELAY_MS);
  }

  private onFailed(job: Job<EventEnvelope> | undefined, error: Error): void {
    if (!job) return;
    const { module, logger, deadLettered } = this.settings;
    const fields = { err: error, module, event: job.data.name, eventId: job.data.id, attempt: job.attemptsMade };
    // finishedOn is set only when BullMQ gives up; a retry leaves it empty.
    const final = job.finishedOn !== undefined || job.attemptsMade >= (job.opts.attempts ?? 1);
    runInEventContext(job.data, () => {
      if (!final) return logger.warn(fields, 'event delivery failed; will retry');
      deadLettered.inc({ module, event: job.data.name });
      logger.error(fields, 'event dead-lettered: delivery failed on its last attempt (kept in the failed set)');
    });
  }
}
