import type { Gauge } from 'prom-client';
import { outboxBacklogGauge, outboxOldestAgeGauge } from './event-metrics.js';
import type { ResolvedRelayOptions } from './outbox-relay-options.js';
import type { RelayStatements } from './outbox-relay.sql.js';

/** What a relay knows of its backlog between cycles: the gauges, and whether a retry may fall due. */
export class BacklogObserver {
  private readonly gauge: Gauge;
  private readonly oldestAge: Gauge;
  private lastObserved = 0;
  /** A failed row waits for its retry: the relay must come back when it falls due. */
  private retriesPending = false;

  constructor(
    private readonly options: ResolvedRelayOptions,
    private readonly statements: RelayStatements,
  ) {
    this.gauge = outboxBacklogGauge(options.metrics.registry);
    this.oldestAge = outboxOldestAgeGauge(options.metrics.registry);
  }

  /** Rows still to publish (neither dispatched nor dead-lettered). */
  async count(): Promise<number> {
    const [row] = (await this.options.db.sql.query<{ count: number | string }>(this.statements.backlog)).rows;
    return Number(row.count);
  }

  retryScheduled(): void {
    this.retriesPending = true;
  }

  // The backlog query is for the gauge and for retries falling due: under load, once per poll is enough.
  needsObserving(): boolean {
    return this.retriesPending || Date.now() - this.lastObserved >= this.options.pollIntervalMs;
  }

  /**
   * Sets the backlog gauges (rows, and the oldest row's age); returns when the earliest unclaimed row is due (possibly already: a
   * retry that fell due during this cycle), so the relay comes back for it before the next poll.
   */
  async observe(): Promise<number | undefined> {
    try {
      const [row] = (
        await this.options.db.sql.query<{
          count: number | string;
          next_due: number | string | null;
          oldest: string | null;
        }>(this.statements.observe)
      ).rows;
      this.lastObserved = Date.now();
      this.gauge.set({ module: this.options.module }, Number(row.count));
      const age = row.oldest === null ? 0 : Math.max(0, this.lastObserved - Date.parse(row.oldest)) / 1000;
      this.oldestAge.set({ module: this.options.module }, age);
      this.retriesPending = row.next_due !== null && Number(row.next_due) > this.lastObserved;
      return row.next_due === null ? undefined : Number(row.next_due);
    } catch {
      return undefined;
    }
  }
}
