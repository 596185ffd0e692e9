import { BacklogObserver } from './outbox-backlog-observer.js';
import { OutboxBatchPublisher } from './outbox-batch-publisher.js';
import { resolveRelayOptions, type OutboxRelayOptions, type ResolvedRelayOptions } from './outbox-relay-options.js';
import { relaySql } from './outbox-relay.sql.js';

export type { OutboxRelayOptions } from './outbox-relay-options.js';

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
 *
 * This class is the scheduling loop (wake-ups, polls, backoff); a batch is OutboxBatchPublisher's.
 */
export class OutboxRelay {
  private readonly options: ResolvedRelayOptions;
  private readonly batches: OutboxBatchPublisher;
  private readonly observer: BacklogObserver;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private unsubscribe?: () => void;
  private rerun = false;
  private wakeScheduled = false;
  private stopped = true;
  private failures = 0;
  private backoffUntil = 0;

  constructor(options: OutboxRelayOptions) {
    this.options = resolveRelayOptions(options);
    const statements = relaySql(options.db.dialect);
    this.batches = new OutboxBatchPublisher(this.options, statements);
    this.observer = new BacklogObserver(this.options, statements);
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
  backlog(): Promise<number> {
    return this.observer.count();
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
    let delay = this.options.pollIntervalMs;
    try {
      let full: boolean;
      do {
        this.rerun = false;
        const batch = await this.batches.publish();
        if (batch.retriesScheduled) this.observer.retryScheduled();
        full = batch.claimed === this.options.batchSize;
      } while (!this.stopped && (full || this.rerun));
      this.failures = 0;
      this.backoffUntil = 0;
    } catch (error) {
      this.failures += 1;
      delay = Math.min(250 * 2 ** this.failures, this.options.maxBackoffMs);
      this.backoffUntil = Date.now() + delay;
      this.options.logger.warn(
        { err: error, module: this.options.module, retryInMs: delay },
        'outbox relay could not publish; will retry',
      );
    }
    const nextDue = this.failures > 0 || this.observer.needsObserving() ? await this.observer.observe() : undefined;
    if (this.stopped) return;
    // Come back when the earliest retry is due rather than at the next poll.
    if (this.failures === 0 && nextDue !== undefined) delay = Math.max(0, Math.min(delay, nextDue - Date.now()));
    // A wake-up that arrived while the backlog was counted must not wait for the next poll.
    if (this.rerun && this.failures === 0) delay = 0;
    this.timer = setTimeout(() => this.run(), delay);
  }
}
