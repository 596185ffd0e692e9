import type { Knex } from 'knex';
import { isUniqueViolation } from '../db/unique-violation.js';
import type { Migration } from '../kernel/database.js';
import type { SqlRunner, SqlSession } from '../kernel/database.js';
import type { EventEnvelope } from '../kernel/event.js';

export const INBOX_TABLE = 'inbox';

/** The inbox table of a consuming module: one row per event whose effect committed. */
export const inboxMigration: Migration = {
  name: '0000_inbox',
  async up(knex) {
    await knex.schema.createTable(INBOX_TABLE, (table) => {
      table.string('event_id', 64).primary();
      table.string('event_name', 200).notNullable();
      table.string('processed_at', 32).notNullable();
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists(INBOX_TABLE);
  },
};

class DuplicateDelivery extends Error {}

/**
 * Applies `effect` at most once per event id: the id is inserted into `inbox` in the same
 * transaction as the effect, so both commit or neither does. The primary key decides between
 * concurrent deliveries (the second insert waits for the first transaction, then fails), with no
 * check-then-insert race. Resolves true when the effect ran, false for a duplicate delivery.
 */
export async function consumeOnce(
  knex: Knex,
  envelope: EventEnvelope,
  effect: (trx: Knex.Transaction) => Promise<void>,
): Promise<boolean> {
  try {
    await knex.transaction(async (trx) => {
      try {
        await trx(INBOX_TABLE).insert({
          event_id: envelope.id,
          event_name: envelope.name,
          processed_at: new Date().toISOString(),
        });
      } catch (error) {
        // Only the inbox insert means "seen before"; a unique violation inside the effect is a real error.
        throw isUniqueViolation(error) ? new DuplicateDelivery() : error;
      }
      await effect(trx);
    });
    return true;
  } catch (error) {
    if (error instanceof DuplicateDelivery) return false;
    throw error;
  }
}

// ON CONFLICT DO NOTHING: a concurrent delivery's insert waits for the first transaction, then inserts nothing.
const RECORD_IN_INBOX = `INSERT INTO ${INBOX_TABLE} (event_id, event_name, processed_at) VALUES (?, ?, ?) ON CONFLICT (event_id) DO NOTHING`;

/**
 * {@link consumeOnce} for effects written as fixed SQL (a consumer on a hot path): the same
 * guarantee, one transaction for the inbox row and the effect, through prepared statements.
 */
export async function consumeOnceSql(
  sql: SqlRunner,
  envelope: EventEnvelope,
  effect: (tx: SqlSession) => Promise<void>,
): Promise<boolean> {
  return sql.transaction(async (tx) => {
    // No row inserted: the event's effect has already committed (or is committing: we waited for it).
    if ((await tx.query(RECORD_IN_INBOX, [envelope.id, envelope.name, new Date().toISOString()])).changes === 0)
      return false;
    await effect(tx);
    return true;
  });
}
