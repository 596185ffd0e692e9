import { randomUUID } from 'node:crypto';
import { currentScope, traceCarrierOf } from '../kernel/context.js';
import type { EventWriter, Migration, SqlSession } from '../kernel/database.js';
import { openSpan, SpanKind } from '../telemetry/spans.js';
import type { EventDefinition, EventEnvelope } from '../kernel/event.js';
import { eventAttributes } from './event-context.js';

export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';

/** DI token of a publishing module's {@link Outbox}, for the host's own wiring (its relay listens to it). */
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

const INSERT_OUTBOX_ROW = `INSERT INTO ${OUTBOX_TABLE} (id, name, envelope, created_at) VALUES (?, ?, ?, ?)`;

/**
 * A module's outbox: the events its transactions publish (`tx.publish`, see SqlTransaction) are
 * written here in the same transaction as the state change, so an event exists if and only if the
 * change committed. The relay publishes them; listeners registered with {@link Outbox.onCommitted}
 * (the relay) are told once such a transaction has committed. The host hands it to the module's
 * database; modules never call it themselves.
 */
export class Outbox implements EventWriter {
  private readonly listeners = new Set<Listener>();

  /** @param module the publishing module, recorded as the envelope's `source`. */
  constructor(readonly module: string) {}

  /**
   * Validates `payload` against the event's schema, builds its envelope (new id, the current request,
   * and the trace context of its outbox write span) and inserts it through `session`, the
   * transaction of the state change.
   */
  async write(session: SqlSession, event: EventDefinition, payload: unknown): Promise<void> {
    const envelope = this.envelopeOf(event, payload);
    await session.query(INSERT_OUTBOX_ROW, [envelope.id, envelope.name, JSON.stringify(envelope), envelope.occurredAt]);
  }

  /** Tells the listeners that a transaction which wrote events has committed. */
  committed(): void {
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` after each commit that added events; returns the unsubscribe function. */
  onCommitted(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private envelopeOf(event: EventDefinition, payload: unknown): EventEnvelope {
    const requestId = currentScope()?.requestId;
    const envelope: EventEnvelope = {
      id: randomUUID(),
      name: event.name,
      version: event.version,
      source: this.module,
      occurredAt: new Date().toISOString(),
      payload: event.schema.parse(payload),
      ...(requestId ? { requestId } : {}),
    };
    // The write's span is the parent the event's journey (relay, consumers) continues from.
    const { span, context } = openSpan(`outbox write ${event.name}`, { kind: SpanKind.PRODUCER, module: this.module });
    if (span.isRecording()) span.setAttributes(eventAttributes(envelope));
    envelope.traceparent = traceCarrierOf(context).traceparent;
    span.end();
    return envelope;
  }
}
