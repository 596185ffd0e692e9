import { randomUUID } from 'node:crypto';
import type { Counter, Gauge } from 'prom-client';
import type { ModuleDb } from '../db/module-db.js';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import type { EventEnvelope } from './event.js';
import { EventDeliveryError, type EventBus } from './event-bus.js';
import { runInEventContext } from './event-context.js';
import { deadLetterCounter, outboxBacklogGauge, outboxPublishedCounter } from './event-metrics.js';
import { relaySql } from './outbox-relay.sql.js';
import { withTimeout } from './with-timeout.js';

const MAX_ERROR_LENGTH = 2000;

export interface OutboxRelayOptions {
  module: string;
  /** The publishing module's database: the relay runs fixed SQL on its pool. */
  db: Pick<ModuleDb, 'sql' | 'dialect'>;
  bus: EventBus;
  /** The module's Outbox: the relay wakes after each commit that added events. */
  outbox: { onCommitted(listener: () => void): () => void };
  logger: Logger;
  metrics: Metrics;
  /** Fallback poll, for rows written by other processes or missed wake-ups; default 1000 ms. */
  pollIntervalMs?: number;
  /** Rows claimed, and published concurrently, per batch; default 100. */
  batchSize?: number;
  /**
   * How long a claim protects rows from other relays; default 30 s. The relay renews it every
   * third of that while the batch is in flight, so it only has to outlast a stalled renewal, not
   * the handlers; a crashed relay's rows are claimable again at most this long after the crash.
   */
  leaseMs?: number;
  /**
   * Longest wait for one publish (with the memory bus: until every consumer's handler is done,
   * queueing included); it then counts as a failed attempt, so a hung handler cannot hold the relay
   * (and shutdown) forever. Default 120 s.
   */
  publishTimeoutMs?: number;
  /** Longest pause between cycles while the bus itself is unreachable; default 30 s. */
  maxBackoffMs?: number;
  /** Failed publishes of one row (bus reachable, e.g. a consumer failed) before it is dead-lettered; default 10. */
  maxAttempts?: number;
  /** Retry n of a row waits about retryBaseMs·2^(n-1) (jittered between half and all of it); default 200 ms. */
  retryBaseMs?: number;
  /** Cap of a row's retry delay; default 60 s. */
  maxRetryDelayMs?: number;
}

interface OutboxRow {
  seq: number;
  name: string;
  envelope: string;
  attempts: number;
}

class BusUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`event bus unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

const errorText = (error: unknown): string => {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
};

/**
 * Publishes a module's outbox rows to the bus and marks them dispatched once the bus accepted them
 * (memory bus: once every consumer's handler has succeeded), so a row is never marked before its
 * event is safe: a crash, failure or shutdown leaves it pending, and it is published again.
 *
 * Each batch of rows is claimed with a lease (plus SKIP LOCKED on PostgreSQL), so relays of several
 * instances never publish one row at the same time, and published concurrently. A failed row:
 * - if the bus itself is unreachable (`ping()` fails, e.g. Redis down), it is released without
 *   counting an attempt and the whole relay backs off;
 * - otherwise (a consumer failed) it gets `attempts + 1`, `last_error` and a jittered exponential
 *   `next_attempt_at`; only due rows are claimed, so a failing event never holds up the others.
 *   After `maxAttempts` it is dead-lettered (`dead_lettered_at`: never claimed, not in the backlog,
 *   kept for inspection) with an error log line and `events_dead_lettered_total`. To replay one once
 *   the cause is fixed: `UPDATE outbox SET dead_lettered_at = NULL, attempts = 0, next_attempt_at = 0 WHERE id = ...`.
 *
 * Redelivery: delivery is at least once, never exactly once. A row is published again when its
 * relay died before marking it (after the lease), when a consumer failed (consumers that succeeded
 * see it again), when a publish outlived `publishTimeoutMs`, or, should a lease renewal stall past
 * the lease, by another relay while the first is still waiting. Every consumer's inbox absorbs
 * these redeliveries. Leases compare application clocks: hosts must keep them in sync (NTP).
 */
export class OutboxRelay {
  private readonly published: Counter;
  private readonly deadLettered: Counter;
  private readonly backlogGauge: Gauge;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly statements: ReturnType<typeof relaySql>;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private rerun = false;
  private wakeScheduled = false;
  private lastObserved = 0;
  /** A failed row waits for its retry: the relay must come back when it falls due. */
  private retriesPending = false;
  private stopped = true;
  private failures = 0;
  private backoffUntil = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.published = outboxPublishedCounter(options.metrics.registry);
    this.deadLettered = deadLetterCounter(options.metrics.registry);
    this.backlogGauge = outboxBacklogGauge(options.metrics.registry);
    this.batchSize = options.batchSize ?? 100;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.statements = relaySql(options.db.dialect);
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
    if (this.stopped || Date.now() < this.backoffUntil || this.wakeScheduled) return;
    // Coalesce: the commits of one event-loop turn (many concurrent checkouts) make one cycle.
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.run();
    });
  }

  /**
   * Stops after the batch in flight (with the memory bus: after its handlers) has been published
   * and marked; rows not marked dispatched stay pending for the next start (or another relay).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    clearTimeout(this.timer);
    await this.running;
  }

  /** Rows still to publish (neither dispatched nor dead-lettered). */
  async backlog(): Promise<number> {
    const [row] = (await this.options.db.sql.query<{ count: number | string }>(this.statements.backlog)).rows;
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
      this.options.logger.warn(
        { err: error, module: this.options.module, retryInMs: delay },
        'outbox relay could not publish; will retry',
      );
    }
    // The backlog query is for the gauge and for retries falling due: under load, once per poll is enough.
    const observe =
      this.failures > 0 ||
      this.retriesPending ||
      Date.now() - this.lastObserved >= (this.options.pollIntervalMs ?? 1000);
    const nextDue = observe ? await this.observeBacklog() : undefined;
    if (this.stopped) return;
    // Come back when the earliest retry is due rather than at the next poll.
    if (this.failures === 0 && nextDue !== undefined) delay = Math.max(0, Math.min(delay, nextDue - Date.now()));
    // A wake-up that arrived while the backlog was counted must not wait for the next poll.
    if (this.rerun && this.failures === 0) delay = 0;
    this.timer = setTimeout(() => this.run(), delay);
  }

  /**
   * Sets the backlog gauge; returns when the earliest unclaimed row is due (possibly already: a
   * retry that fell due during this cycle), so the relay comes back for it before the next poll.
   */
  private async observeBacklog(): Promise<number | undefined> {
    try {
      const [row] = (
        await this.options.db.sql.query<{ count: number | string; next_due: number | string | null }>(
          this.statements.observe,
        )
      ).rows;
      this.backlogGauge.set({ module: this.options.module }, Number(row.count));
      this.lastObserved = Date.now();
      this.retriesPending = row.next_due !== null && Number(row.next_due) > this.lastObserved;
      return row.next_due === null ? undefined : Number(row.next_due);
    } catch {
      return undefined;
    }
  }

  /** Claims, publishes and marks one batch; returns how many rows were claimed. */
  private async publishBatch(): Promise<number> {
    const { sql } = this.options.db;
    const token = randomUUID();
    const now = Date.now();
    const claimed = await sql.query<OutboxRow>(this.statements.claim, [
      token,
      now + this.leaseMs,
      now,
      now,
      this.batchSize,
    ]);
    // RETURNING has no defined order; publish in commit order. PostgreSQL returns bigint seq as a string.
    const rows = claimed.rows.map((row) => ({ ...row, seq: Number(row.seq) })).sort((a, b) => a.seq - b.seq);
    if (rows.length === 0) return 0;

    const renewal = this.renewLease(token);
    let settled = false;
    try {
      const outcomes = await Promise.allSettled(
        rows.map(async (row) => {
          const envelope = JSON.parse(row.envelope) as EventEnvelope;
          await withTimeout(
            this.options.bus.publish(envelope),
            this.options.publishTimeoutMs ?? 120_000,
            `publishing ${row.name} ${envelope.id} timed out`,
          );
        }),
      );
      const done = rows.filter((_, i) => outcomes[i].status === 'fulfilled').map((row) => row.seq);
      const failed = rows.flatMap((row, i) => {
        const outcome = outcomes[i];
        return outcome.status === 'rejected' ? [{ row, error: outcome.reason as unknown }] : [];
      });
      await renewal.stop(); // what is left is quick, and a renewal must not queue behind it (SQLite has one connection)
      if (done.length > 0) {
        await this.markDispatched(token, done, failed.length === 0);
        this.published.inc({ module: this.options.module }, done.length);
      }
      if (failed.length > 0) {
        try {
          await this.options.bus.ping();
        } catch (error) {
          // Not the events' fault: no attempt counted; the finally releases them and the cycle backs off.
          throw new BusUnavailableError(failed[0].error ?? error);
        }
        await this.recordFailures(token, failed);
        this.retriesPending = true;
      }
      settled = true;
    } finally {
      await renewal.stop();
      // Rows neither marked dispatched nor given a retry (bus down, or an error above) go back to the pool.
      if (!settled) await sql.query(this.statements.release, [token]);
    }
    return rows.length;
  }

  /**
   * The usual case, every row of the batch published, is one statement by token. Rows another relay
   * took over meanwhile (lapsed lease) no longer carry the token; they were delivered all the same,
   * so then, as after a partial failure, the published rows are marked one by one.
   */
  private async markDispatched(token: string, seqs: number[], wholeBatch: boolean): Promise<void> {
    const { sql } = this.options.db;
    const at = new Date().toISOString();
    if (wholeBatch && (await sql.query(this.statements.dispatchClaimed, [at, token])).changes === seqs.length) return;
    await sql.transaction(async (tx) => {
      for (const seq of seqs) await tx.query(this.statements.dispatchOne, [at, seq]);
    });
  }

  /** Counts an attempt on each failed row and schedules its retry, or dead-letters it after the last one. */
  private async recordFailures(token: string, failed: Array<{ row: OutboxRow; error: unknown }>): Promise<void> {
    const now = Date.now();
    const deadLetters: Array<{ row: OutboxRow; error: unknown; attempts: number }> = [];
    await this.options.db.sql.transaction(async (tx) => {
      for (const failure of failed) {
        const attempts = Number(failure.row.attempts) + 1;
        const dead = attempts >= this.maxAttempts;
        const retryInMs = this.retryDelay(attempts);
        const params = [
          attempts,
          errorText(failure.error),
          dead ? now : now + retryInMs,
          dead ? new Date(now).toISOString() : null,
          failure.row.seq,
          token,
        ];
        if ((await tx.query(this.statements.fail, params)).changes === 0) continue;
        if (dead) deadLetters.push({ ...failure, attempts });
        else
          this.logFailure(
            failure.row,
            'warn',
            { err: failure.error, attempt: attempts, retryInMs },
            'outbox event not accepted by every consumer; will retry',
          );
      }
    });
    for (const failure of deadLetters) {
      const modules = failure.error instanceof EventDeliveryError ? failure.error.modules : [this.options.module];
      for (const module of modules) this.deadLettered.inc({ module, event: failure.row.name });
      this.logFailure(
        failure.row,
        'error',
        { err: failure.error, attempt: failure.attempts, consumers: modules },
        'event dead-lettered: publishing failed on its last attempt (kept in the outbox with dead_lettered_at)',
      );
    }
  }

  private logFailure(row: OutboxRow, level: 'warn' | 'error', fields: Record<string, unknown>, message: string): void {
    let envelope: Partial<EventEnvelope> = {};
    try {
      envelope = JSON.parse(row.envelope) as EventEnvelope;
    } catch {
      // an unreadable envelope is logged without its trace context
    }
    runInEventContext(envelope, () =>
      this.options.logger[level](
        { ...fields, module: this.options.module, event: row.name, eventId: envelope.id, seq: row.seq },
        message,
      ),
    );
  }

  // Equal jitter: between half and all of base·2^(n-1), capped.
  private retryDelay(attempts: number): number {
    const cap = Math.min(
      (this.options.retryBaseMs ?? 200) * 2 ** (attempts - 1),
      this.options.maxRetryDelayMs ?? 60_000,
    );
    return Math.round(cap / 2 + Math.random() * (cap / 2));
  }

  /** Keeps the batch's lease alive while it is in flight (handlers may outlast a lease). */
  private renewLease(token: string): { stop(): Promise<void> } {
    let inFlight: Promise<unknown> = Promise.resolve();
    const interval = setInterval(
      () => {
        inFlight = this.options.db.sql
          .query(this.statements.renew, [Date.now() + this.leaseMs, token])
          .catch((error: unknown) =>
            this.options.logger.warn(
              { err: error, module: this.options.module },
              'could not renew the outbox lease; another relay may publish the batch again',
            ),
          );
      },
      Math.max(1, Math.floor(this.leaseMs / 3)),
    );
    return {
      async stop() {
        clearInterval(interval); // idempotent: called once the publishes settle, and again in finally
        await inFlight;
      },
    };
  }
}
