import type { Counter, Gauge, Registry } from 'prom-client';
import { counter, gauge } from '../telemetry/metrics.js';
import { contextKey, contextValue, withContextValue } from '../kernel/context.js';
import { AppError } from '../kernel/errors.js';
import type { BulkheadLimits } from '../kernel/bulkhead-limits.js';
import { ClientShares, currentClient } from './client-share.js';
import { remainingBudgetMs } from './time-budget.js';

export type RejectionReason = 'full' | 'wait' | 'share';

interface Waiter {
  start(): void;
  timer: NodeJS.Timeout;
}

/** The place a call holds while it runs; `away` counts the nested calls to other modules it waits on. */
interface Slot {
  bulkhead: Bulkhead;
  away: number;
  done: boolean;
}

/** In the request's context (the process's one async-local store), not a store of its own. */
const HELD_SLOT = contextKey('shop.bulkhead_slot');

/**
 * A concurrency limit with a bounded queue, so that one slow dependency or module holds at most its
 * share of a process: past the queue, or after waiting `maxWaitMs`, a call is refused at once with
 * 503 `service_unavailable` (Retry-After: 1) rather than left to hang. With `perClient`, a call made
 * for a client of the edge is refused the same way when that client has its share in progress
 * already, so one client's flood is shed while the other places stay free for everyone else.
 */
export class Bulkhead {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private readonly shares?: ClientShares;

  constructor(
    readonly name: string,
    readonly limits: BulkheadLimits,
    private readonly metrics: BulkheadMetrics,
  ) {
    if (limits.perClient !== undefined) this.shares = new ClientShares(limits.perClient);
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    const client = this.shares && currentClient();
    if (client !== undefined && !this.shares!.take(client)) throw this.refuse('share');
    try {
      await this.enter();
      const slot: Slot = { bulkhead: this, away: 0, done: false };
      try {
        return await withContextValue(HELD_SLOT, slot, work);
      } finally {
        slot.done = true;
        if (slot.away === 0) this.leave();
      }
    } finally {
      if (client !== undefined) this.shares!.release(client);
    }
  }

  private enter(): Promise<void> | void {
    if (this.running < this.limits.concurrency) {
      this.running++;
      return this.report();
    }
    const waitMs = Math.min(this.limits.maxWaitMs, remainingBudgetMs() ?? Infinity);
    if (this.waiting.length >= this.limits.queue || waitMs <= 0) throw this.refuse('full');
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          this.report();
          reject(this.refuse('wait'));
        }, waitMs),
      };
      this.waiting.push(waiter);
      this.report();
    });
  }

  /** Hands the place to the first waiter, unless calls back from another module have pushed it over the limit. */
  leave(): void {
    const next = this.running <= this.limits.concurrency ? this.waiting.shift() : undefined;
    if (next) next.start();
    else this.running--;
    this.report();
  }

  /** A call back from another module takes its place again without queueing: it only has to finish. */
  reenter(): void {
    this.running++;
    this.report();
  }

  private refuse(reason: RejectionReason): AppError {
    this.metrics.rejected.inc({ bulkhead: this.name, reason });
    const why =
      reason === 'share'
        ? `you have ${this.shares!.perClient} calls in progress there already, your share`
        : 'too many calls in progress';
    return new AppError('service_unavailable', `${this.name} is at capacity (${why}); try again shortly`, {
      retryAfterSeconds: 1,
    });
  }

  private report(): void {
    this.metrics.inFlight.set({ bulkhead: this.name }, this.running);
    this.metrics.queued.set({ bulkhead: this.name }, this.waiting.length);
  }
}

/**
 * Runs a call to another module without holding the caller's place: the time spent waiting on the
 * callee is the callee's to limit, so a slow payments cannot fill the orders bulkhead with
 * checkouts that only wait. The caller takes its place back when the call returns.
 */
export async function awayFromHeldSlot<T>(call: () => Promise<T>): Promise<T> {
  const slot = contextValue<Slot>(HELD_SLOT);
  if (!slot || slot.done) return call();
  if (slot.away++ === 0) slot.bulkhead.leave();
  try {
    return await call();
  } finally {
    if (--slot.away === 0 && !slot.done) slot.bulkhead.reenter();
  }
}

export interface BulkheadMetrics {
  inFlight: Gauge<'bulkhead'>;
  queued: Gauge<'bulkhead'>;
  rejected: Counter<'bulkhead' | 'reason'>;
}

const bulkheadMetrics = (registry: Registry): BulkheadMetrics => ({
  inFlight: gauge(registry, {
    name: 'bulkhead_in_flight',
    help: 'Calls running per bulkhead',
    labelNames: ['bulkhead'],
  }),
  queued: gauge(registry, { name: 'bulkhead_queued', help: 'Calls waiting per bulkhead', labelNames: ['bulkhead'] }),
  rejected: counter(registry, {
    name: 'bulkhead_rejected_total',
    help: 'Calls refused per bulkhead: full (queue full), wait (no place in time) or share (the client had its share in progress)',
    labelNames: ['bulkhead', 'reason'],
  }),
});

/** A process's bulkheads, one per name, all with the configured limits and reporting to its registry. */
export class Bulkheads {
  private readonly byName = new Map<string, Bulkhead>();
  private readonly metrics: BulkheadMetrics;

  constructor(
    readonly limits: BulkheadLimits,
    registry: Registry,
  ) {
    this.metrics = bulkheadMetrics(registry);
  }

  named(name: string): Bulkhead {
    let bulkhead = this.byName.get(name);
    if (!bulkhead) this.byName.set(name, (bulkhead = new Bulkhead(name, this.limits, this.metrics)));
    return bulkhead;
  }
}
