import type { Migration, ModuleDb } from '../kernel/database.js';
import { cutoff, type Sweep } from '../db/housekeeping.js';
import { INBOX_TABLE } from './inbox.js';

/** Lets housekeeping find old inbox rows without reading the table. Sorts after `0000_inbox`. */
export const inboxHousekeepingMigration: Migration = {
  name: '0000_inbox_processed_at',
  async up(knex) {
    await knex.schema.alterTable(INBOX_TABLE, (table) => table.index(['processed_at'], 'inbox_processed_at_idx'));
  },
  async down(knex) {
    await knex.schema.alterTable(INBOX_TABLE, (table) => table.dropIndex(['processed_at'], 'inbox_processed_at_idx'));
  },
};

/**
 * Inbox rows older than the retention. An event can be published again only while its outbox row
 * exists (a relay that did not mark it, an operator replaying it), and INBOX_RETENTION exceeds
 * OUTBOX_RETENTION (checked at startup), so a redelivery always still finds its inbox row.
 */
export function inboxSweep(db: ModuleDb, retentionSeconds: number): Sweep {
  const skipLocked = db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  const statement = `DELETE FROM ${INBOX_TABLE} WHERE event_id IN (SELECT event_id FROM ${INBOX_TABLE}
    WHERE processed_at < ? ORDER BY processed_at LIMIT ?${skipLocked})`;
  return {
    table: INBOX_TABLE,
    deleteBatch: async (limit) => (await db.sql.query(statement, [cutoff(retentionSeconds), limit])).changes,
  };
}
