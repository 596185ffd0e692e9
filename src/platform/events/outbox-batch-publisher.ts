import { randomUUID } from 'node:crypto';
import type { Counter } from 'prom-client';
import { traceCarrierOf } from '../kernel/context.js';
import { inSpan, SpanKind } from '../telemetry/spans.js';
import type { EventEnvelope } from '../kernel/event.js';
import { eventAttributes, eventContext } from './event-context.js';
import { outboxPublishedCounter } from './event-metrics.js';
import { OutboxFailureRecorder } from './outbox-failure-recorder.js';
import type { ResolvedRelayOptions } from './outbox-relay-options.js';
import type { OutboxRow, RelayStatements } from './outbox-relay.sql.js';
import { withTimeout } from '../resilience/with-timeout.js';

class BusUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`event bus unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** One batch's outcome, for the relay's scheduling. */
export interface BatchResult {
  /** Rows claimed: a full batch means more may be waiting. */
  claimed: number;
  /** Some rows now wait for a retry: the relay must come back when it falls due. */
  retriesScheduled: boolean;
}

/** The relay's unit of work: claim a batch under a lease, publish it, settle every row. */
export class OutboxBatchPublisher {
  private readonly published: Counter;
  private readonly failures: OutboxFailureRecorder;

  constructor(
    private readonly options: ResolvedRelayOptions,
    private readonly statements: RelayStatements,
  ) {
    this.published = outboxPublishedCounter(options.metrics.registry);
    this.failures = new OutboxFailureRecorder(options, statements);
  }

  /** Claims, publishes and marks one batch. */
  async publish(): Promise<BatchResult> {
    const { sql } = this.options.db;
    const token = randomUUID();
    const now = Date.now();
    const claimed = await sql.query<OutboxRow>(this.statements.claim, [
      token,
      now + this.options.leaseMs,
      now,
      now,
      this.options.batchSize,
    ]);
    // RETURNING has no defined order; publish in commit order. PostgreSQL returns bigint seq as a string.
    const rows = claimed.rows.map((row) => ({ ...row, seq: Number(row.seq) })).sort((a, b) => a.seq - b.seq);
    if (rows.length === 0) return { claimed: 0, retriesScheduled: false };

    const renewal = this.renewLease(token);
    let settled = false;
    try {
      const outcomes = await Promise.allSettled(
        rows.map(async (row) => {
          const envelope = JSON.parse(row.envelope) as EventEnvelope;
          const span = {
            kind: SpanKind.PRODUCER,
            parent: eventContext(envelope),
            module: this.options.module,
            attributes: eventAttributes(envelope),
          };
          await inSpan(`relay publish ${row.name}`, span, () =>
            withTimeout(
              // Consumers continue from this span: the envelope on the bus names it as their parent.
              this.options.bus.publish({ ...envelope, traceparent: traceCarrierOf().traceparent }),
              this.options.publishTimeoutMs,
              `publishing ${row.name} ${envelope.id} timed out`,
            ),
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
        await this.failures.record(token, failed);
      }
      settled = true;
      return { claimed: rows.length, retriesScheduled: failed.length > 0 };
    } finally {
      await renewal.stop();
      // Rows neither marked dispatched nor given a retry (bus down, or an error above) go back to the pool.
      if (!settled) await sql.query(this.statements.release, [token]);
    }
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

  /** Keeps the batch's lease alive while it is in flight (handlers may outlast a lease). */
  private renewLease(token: string): { stop(): Promise<void> } {
    let inFlight: Promise<unknown> = Promise.resolve();
    const interval = setInterval(
      () => {
        inFlight = this.options.db.sql
          .query(this.statements.renew, [Date.now() + this.options.leaseMs, token])
          .catch((error: unknown) =>
            this.options.logger.warn(
              { err: error, module: this.options.module },
              'could not renew the outbox lease; another relay may publish the batch again',
            ),
          );
      },
      Math.max(1, Math.floor(this.options.leaseMs / 3)),
    );
    return {
      async stop() {
        clearInterval(interval); // idempotent: called once the publishes settle, and again in finally
        await inFlight;
      },
    };
  }
}
