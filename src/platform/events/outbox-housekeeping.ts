import type { ModuleDb } from '../kernel/database.js';
import { cutoff, type Sweep } from '../db/housekeeping.js';
import { OUTBOX_TABLE } from './outbox.js';

/**
 * Dispatched outbox rows older than the retention (served by outbox_pending_idx, which leads with
 * dispatched_at). A dispatched row is never published again, so deleting it loses nothing; rows
 * still pending and dead letters (dispatched_at NULL) are never touched.
 */
export function outboxSweep(db: ModuleDb, retentionSeconds: number): Sweep {
  const skipLocked = db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
  const statement = `DELETE FROM ${OUTBOX_TABLE} WHERE seq IN (SELECT seq FROM ${OUTBOX_TABLE}
    WHERE dispatched_at < ? ORDER BY dispatched_at LIMIT ?${skipLocked})`;
  return {
    table: OUTBOX_TABLE,
    deleteBatch: async (limit) => (await db.sql.query(statement, [cutoff(retentionSeconds), limit])).changes,
  };
}
