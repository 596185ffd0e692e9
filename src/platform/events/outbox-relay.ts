import { randomUUID } from 'node:crypto';
import type { Counter, Gauge } from 'prom-client';
import type { ModuleDb } from '../db/module-db.js';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import type { EventEnvelope } from './event.js';
import type { EventBus } from './event-bus.js';
import { outboxBacklogGauge, outboxPublishedCounter } from './event-metrics.js';

const TABLE = 'outbox';

export interface OutboxRelayOptions {
  module: string;
  db: ModuleDb;
  bus: EventBus;
  /** The module's Outbox: the relay wakes after each commit that added events. */
  outbox: { onCommitted(listener: () => void): () => void };
  logger: Logger;
  metrics: Metrics;
  /** Fallback poll, for rows written by other processes or missed wake-ups; default 1000 ms. */
  pollIntervalMs?: number;
  batchSize?: number;
  /** How long a claim protects rows from other relays; default 30 s. */
  leaseMs?: number;
  /** Longest pause between attempts while the bus fails; default 30 s. */
  maxBackoffMs?: number;
}

interface OutboxRow {
  seq: number;
  envelope: string;
}

/**
 * Publishes a module's outbox rows to the bus, oldest first, and marks them dispatched. Rows are
 * claimed with a lease (plus SKIP LOCKED on PostgreSQL), so relays of several instances never
 * publish one row at the same time; a row whose relay died is claimable again once its lease ends.
 * Leases compare application clocks, so hosts must keep them in sync well within the lease (NTP).
 */
export class OutboxRelay {
  private readonly published: Counter;
  private readonly backlogGauge: Gauge;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private rerun = false;
  private stopped = true;
  private failures = 0;
  private backoffUntil = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.published = outboxPublishedCounter(options.metrics.registry);
    this.backlogGauge = outboxBacklogGauge(options.metrics.registry);
    this.batchSize = options.batchSize ?? 100;
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  /** Publishes what is pending (left by a crash, too), then keeps going on wake-ups and polls. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = this.options.outbox.onCommitted(() => this.wake());
    this.wake();
  }

  /** Runs a cycle now, unless one is running (it then goes round again) or the bus is backing off. */
  wake(): void {
    if (this.stopped || Date.now() < this.backoffUntil) return;
    this.run();
  }

  /** Stops after the batch in progress; its unpublished rows are released for the next relay. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    await this.running;
  }

  /** Rows not yet dispatched. */
  async backlog(): Promise<number> {
    const [row] = await this.options.db.knex(TABLE).whereNull('dispatched_at').count({ count: '*' });
    return Number(row.count);
  }

  private run(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.cycle().finally(() => (this.running = undefined));
  }

  private async cycle(): Promise<void> {
    let delay = this.options.pollIntervalMs ?? 1000;
    try {
      let full: boolean;
      do {
        this.rerun = false;
        full = (await this.publishBatch()) === this.batchSize;
      } while (!this.stopped && (full || this.rerun));
      this.failures = 0;
      this.backoffUntil = 0;
    } catch (error) {
      this.failures += 1;
      delay = Math.min(250 * 2 ** this.failures, this.options.maxBackoffMs ?? 30_000);
      this.backoffUntil = Date.now() + delay;
      this.options.logger.warn({ err: error, module: this.options.module, retryInMs: delay }, 'outbox relay could not publish; will retry');
    }
    await this.backlog().then((count) => this.backlogGauge.set({ module: this.options.module }, count), () => undefined);
    if (this.stopped) return;
    // A wake-up that arrived while the backlog was counted must not wait for the next poll.
    if (this.rerun && this.failures === 0) delay = 0;
    this.timer = setTimeout(() => this.run(), delay);
  }

  /** Claims, publishes and marks one batch; returns how many rows were claimed. */
  private async publishBatch(): Promise<number> {
    const { knex, dialect } = this.options.db;
    const token = randomUUID();
    const leaseEnd = Date.now() + this.leaseMs;
    const claimable = knex(TABLE).select('seq').whereNull('dispatched_at')
      .andWhere((q) => q.whereNull('claimed_until').orWhere('claimed_until', '<', Date.now()))
      .orderBy('seq').limit(this.batchSize);
    // SKIP LOCKED: concurrent relays take different rows instead of queueing behind each other.
    if (dialect === 'postgres') claimable.forUpdate().skipLocked();
    await knex(TABLE).whereIn('seq', claimable).update({ claimed_by: token, claimed_until: leaseEnd });
    const rows: OutboxRow[] = await knex(TABLE).select('seq', 'envelope').where({ claimed_by: token }).whereNull('dispatched_at').orderBy('seq');
    const done: number[] = [];
    try {
      for (const row of rows) {
        // Never publish on an expiring lease: another relay may claim the row right after.
        if (Date.now() > leaseEnd - this.leaseMs / 3) break;
        await this.options.bus.publish(JSON.parse(row.envelope) as EventEnvelope);
        done.push(row.seq);
      }
    } finally {
      if (done.length > 0) {
        await knex(TABLE).whereIn('seq', done).update({ dispatched_at: new Date().toISOString(), claimed_by: null, claimed_until: null });
        this.published.inc({ module: this.options.module }, done.length);
      }
      await knex(TABLE).where({ claimed_by: token }).whereNull('dispatched_at').update({ claimed_by: null, claimed_until: null });
    }
    return rows.length;
  }
}
