import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { z } from 'zod';
import { currentScope, traceCarrierOf } from '../kernel/context.js';
import type { Migration } from '../kernel/database.js';
import type { SqlSession } from '../kernel/database.js';
import { openSpan, SpanKind } from '../telemetry/spans.js';
import type { EventDefinition, EventEnvelope } from '../kernel/event.js';
import { eventAttributes } from './event-context.js';

export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';

/** DI token of the publishing module's {@link Outbox}. */
export const OUTBOX = Symbol('OUTBOX');

export const OUTBOX_TABLE = 'outbox';

/**
 * The outbox table, shared by every publishing module (each in its own schema or file). Named to
 * sort before the module's own migrations. `claimed_until` and `next_attempt_at` are epoch
 * milliseconds: they compare the same way on SQLite and PostgreSQL.
 * - `dispatched_at`: set once the bus accepted the event (memory bus: every consumer succeeded);
 * - `claimed_by` / `claimed_until`: a relay's lease on the row while it publishes it;
 * - `attempts`, `last_error`, `next_attempt_at`: failed publishes (bus reachable, a consumer failed)
 *   and when the row may be claimed again (0: at once);
 * - `dead_lettered_at`: given up after the last attempt; never claimed again, kept for inspection.
 */
export const outboxMigration: Migration = {
  name: '0000_outbox',
  async up(knex) {
    await knex.schema.createTable(OUTBOX_TABLE, (table) => {
      table.increments('seq').primary();
      table.string('id', 64).notNullable().unique();
      table.string('name', 200).notNullable();
      table.text('envelope').notNullable();
      table.string('created_at', 32).notNullable();
      table.string('dispatched_at', 32).nullable();
      table.string('claimed_by', 64).nullable();
      table.bigInteger('claimed_until').nullable();
      table.integer('attempts').notNullable().defaultTo(0);
      table.text('last_error').nullable();
      table.bigInteger('next_attempt_at').notNullable().defaultTo(0);
      table.string('dead_lettered_at', 32).nullable();
      table.index(['dispatched_at', 'dead_lettered_at', 'seq'], 'outbox_pending_idx');
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists(OUTBOX_TABLE);
  },
};

type Listener = () => void;

/** One row of the outbox table, as {@link Outbox.prepare} builds it. */
export interface OutboxRow {
  id: string;
  name: string;
  envelope: string;
  created_at: string;
}

const INSERT_OUTBOX_ROW = `INSERT INTO ${OUTBOX_TABLE} (id, name, envelope, created_at) VALUES (?, ?, ?, ?)`;

/** Inserts a row built by {@link Outbox.prepare} through a prepared statement, in the caller's transaction. */
export async function insertOutboxRow(session: SqlSession, row: OutboxRow): Promise<void> {
  await session.query(INSERT_OUTBOX_ROW, [row.id, row.name, row.envelope, row.created_at]);
}

/**
 * Writes a module's integration events in the same transaction as its state change, so an event
 * exists if and only if the change committed. The relay publishes them; listeners registered with
 * {@link Outbox.onCommitted} (the relay) are told once the transaction has committed.
 */
export class Outbox {
  private readonly listeners = new Set<Listener>();

  /** @param module the publishing module, recorded as the envelope's `source`. */
  constructor(readonly module: string) {}

  /**
   * Validates `payload` against the event's schema, builds its envelope (new id, the current request,
   * and the trace context of its outbox write span) and inserts it through `trx`. Pass the transaction of the state change.
   */
  async add<E extends EventDefinition>(
    trx: Knex.Transaction | Knex,
    event: E,
    payload: z.input<E['schema']>,
  ): Promise<EventEnvelope<z.output<E['schema']>>> {
    const { envelope, row } = this.prepare(event, payload);
    await trx(OUTBOX_TABLE).insert(row);
    this.afterCommit(trx);
    return envelope;
  }

  /**
   * For writers that run their own SQL (prepared statements on a hot path): the validated envelope
   * and the `outbox` row to insert in the transaction of the state change. Call
   * {@link Outbox.committed} once that transaction has committed.
   */
  prepare<E extends EventDefinition>(
    event: E,
    payload: z.input<E['schema']>,
  ): { envelope: EventEnvelope<z.output<E['schema']>>; row: OutboxRow } {
    const requestId = currentScope()?.requestId;
    const envelope: EventEnvelope<z.output<E['schema']>> = {
      id: randomUUID(),
      name: event.name,
      version: event.version,
      source: this.module,
      occurredAt: new Date().toISOString(),
      payload: event.schema.parse(payload) as z.output<E['schema']>,
      ...(requestId ? { requestId } : {}),
    };
    // The write's span is the parent the event's journey (relay, consumers) continues from.
    const { span, context } = openSpan(`outbox write ${event.name}`, { kind: SpanKind.PRODUCER, module: this.module });
    if (span.isRecording()) span.setAttributes(eventAttributes(envelope));
    envelope.traceparent = traceCarrierOf(context).traceparent;
    span.end();
    return {
      envelope,
      row: {
        id: envelope.id,
        name: envelope.name,
        envelope: JSON.stringify(envelope),
        created_at: envelope.occurredAt,
      },
    };
  }

  /** Wakes the relay after a commit that inserted rows built by {@link Outbox.prepare}. */
  committed(): void {
    this.notify();
  }

  /** Calls `listener` after each commit that added events; returns the unsubscribe function. */
  onCommitted(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private afterCommit(trx: Knex.Transaction | Knex): void {
    if (!isTransaction(trx)) return this.notify();
    // A nested transaction (savepoint) commits nothing by itself: wait for the outermost one.
    let root = trx;
    while (root.parentTransaction) root = root.parentTransaction;
    // Rollback rejects executionPromise: then nothing was written and nobody needs waking.
    root.executionPromise.then(
      () => this.notify(),
      () => undefined,
    );
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

type Transaction = Knex.Transaction & { parentTransaction?: Transaction };

const isTransaction = (trx: Knex.Transaction | Knex): trx is Transaction =>
  Boolean((trx as Knex.Transaction).isTransaction);
