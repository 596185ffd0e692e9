import type { Knex } from 'knex';
import { isUniqueViolation } from '../db/unique-violation.js';
import type { Migration } from '../db/migration.js';
import type { EventEnvelope } from './event.js';

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

// PostgreSQL unique_violation, and SQLite's primary-key/unique constraint codes.

/**
 * Applies `effect` at most once per event id: the id is inserted into `inbox` in the same
 * transaction as the effect, so both commit or neither does. The primary key decides between
 * concurrent deliveries (the second insert waits for the first transaction, then fails), with no
 * check-then-insert race. Resolves true when the effect ran, false for a duplicate delivery.
 */
export async function consumeOnce(knex: Knex, envelope: EventEnvelope, effect: (trx: Knex.Transaction) => Promise<void>): Promise<boolean> {
  try {
    await knex.transaction(async (trx) => {
      try {
        await trx(INBOX_TABLE).insert({ event_id: envelope.id, event_name: envelope.name, processed_at: new Date().toISOString() });
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
