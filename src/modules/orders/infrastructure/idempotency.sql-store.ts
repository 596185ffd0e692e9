import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import { KNEX, SQL_RUNNER } from '../../../platform/db/db.tokens.js';
import { dialectOf } from '../../../platform/db/dialect.js';
import type { SqlRunner } from '../../../platform/kernel/database.js';
import type { CheckoutOutcome } from '../application/checkout-outcome.js';
import type {
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyStore,
} from '../application/ports/idempotency-store.port.js';
import {
  claimParams,
  fromIdempotencyRow,
  IDEMPOTENCY_TABLE,
  outcomeParam,
  type IdempotencyRow,
} from './idempotency-row.js';
import { SQL } from './orders.sql.js';

/** Idempotency records in the orders module's own database; the primary key is (user_id, key). */
@injectable()
export class IdempotencySqlStore implements IdempotencyStore {
  constructor(
    @inject(KNEX) private readonly knex: Knex,
    @inject(SQL_RUNNER) private readonly sql: SqlRunner,
  ) {}

  async find(userId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const [row] = (await this.sql.query<IdempotencyRow>(SQL.findIdempotency, [userId, key])).rows;
    return row && fromIdempotencyRow(row);
  }

  async insertCompleted(claim: IdempotencyClaim, outcome: CheckoutOutcome): Promise<boolean> {
    // ON CONFLICT DO NOTHING: no row inserted means the key was already taken.
    return (
      (await this.sql.query(SQL.insertCompletedIdempotency, [...claimParams(claim), outcomeParam(outcome)])).changes ===
      1
    );
  }

  async complete(userId: string, key: string, outcome: CheckoutOutcome): Promise<void> {
    await this.sql.query(SQL.completeIdempotency, [outcomeParam(outcome), userId, key]);
  }

  async release(claim: IdempotencyClaim): Promise<void> {
    await this.knex(IDEMPOTENCY_TABLE)
      .where({ user_id: claim.userId, key: claim.key, order_id: claim.orderId, state: 'in_flight' })
      .delete();
  }

  async discard(userId: string, key: string, createdAt: number): Promise<boolean> {
    return (await this.knex(IDEMPOTENCY_TABLE).where({ user_id: userId, key, created_at: createdAt }).delete()) === 1;
  }

  async purgeExpired(now: number, limit: number): Promise<number> {
    // A batch at a time (idempotency_keys_expires_idx), different batches for instances purging at once.
    const skipLocked = dialectOf(this.knex) === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const statement = `DELETE FROM ${IDEMPOTENCY_TABLE} WHERE (user_id, "key") IN (SELECT user_id, "key"
      FROM ${IDEMPOTENCY_TABLE} WHERE expires_at < ? ORDER BY expires_at LIMIT ?${skipLocked})`;
    return (await this.sql.query(statement, [now, limit])).changes;
  }
}
