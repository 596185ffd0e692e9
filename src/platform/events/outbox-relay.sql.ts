import type { Dialect } from '../kernel/database.js';

/** Neither dispatched nor dead-lettered: what the relay still has to publish (served by outbox_pending_idx). */
const PENDING = 'dispatched_at IS NULL AND dead_lettered_at IS NULL';

/** A row as `claim` returns it. */
export interface OutboxRow {
  seq: number;
  name: string;
  envelope: string;
  attempts: number;
}

/**
 * The relay's statements: fixed SQL (`?` placeholders), prepared once per connection, because the
 * relay runs after every checkout commit and the query builder cost more than the queries.
 */
export const relaySql = (dialect: Dialect) => ({
  /**
   * Takes up to `limit` due, unclaimed rows under the batch's token and returns them, in one
   * statement. SKIP LOCKED (PostgreSQL): concurrent relays take different rows instead of queueing
   * behind each other. Params: token, claimed until, now, now, limit.
   */
  claim: `UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE seq IN (
    SELECT seq FROM outbox WHERE ${PENDING} AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)
    ORDER BY seq LIMIT ?${dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : ''}
  ) RETURNING seq, name, envelope, attempts`,
  /** Params: dispatched at, token. */
  dispatchClaimed:
    'UPDATE outbox SET dispatched_at = ?, claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ? AND dispatched_at IS NULL',
  /** Even if another relay has meanwhile claimed the row (lapsed lease), the event was delivered. Params: dispatched at, seq. */
  dispatchOne:
    'UPDATE outbox SET dispatched_at = ?, claimed_by = NULL, claimed_until = NULL WHERE seq = ? AND dispatched_at IS NULL',
  /** Params: claimed until, token. */
  renew: 'UPDATE outbox SET claimed_until = ? WHERE claimed_by = ? AND dispatched_at IS NULL',
  /** Params: token. */
  release: 'UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ? AND dispatched_at IS NULL',
  /**
   * Only while the row is still ours: a relay that took it over (lapsed lease) owns its retry state.
   * Params: attempts, last error, next attempt at, dead-lettered at, seq, token.
   */
  fail: `UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, dead_lettered_at = ?, claimed_by = NULL, claimed_until = NULL
    WHERE seq = ? AND claimed_by = ? AND dispatched_at IS NULL`,
  backlog: `SELECT count(*) AS count FROM outbox WHERE ${PENDING}`,
  /** The backlog, when its earliest unclaimed row falls due, and when its oldest row was written. */
  observe: `SELECT count(*) AS count, min(CASE WHEN claimed_by IS NULL THEN next_attempt_at END) AS next_due,
    min(created_at) AS oldest FROM outbox WHERE ${PENDING}`,
});

export type RelayStatements = ReturnType<typeof relaySql>;
