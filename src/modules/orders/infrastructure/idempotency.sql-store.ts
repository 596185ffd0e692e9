import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import type { SqlRunner } from '../../../platform/db/sql-runner.js';
import type {
  IdempotencyClaim,
  IdempotencyRecord,
  IdempotencyStore,
  StoredResponse,
} from '../application/ports/idempotency-store.port.js';
import {
  claimParams,
  fromIdempotencyRow,
  IDEMPOTENCY_TABLE,
  responseParams,
  type IdempotencyRow,
} from './idempotency-row.js';
import { ORDERS_KNEX, ORDERS_SQL } from './orders-db.tokens.js';
import { SQL } from './orders.sql.js';

/** Idempotency records in the orders module's own database; the primary key is (user_id, key). */
@injectable()
export class IdempotencySqlStore implements IdempotencyStore {
  constructor(
    @inject(ORDERS_KNEX) private readonly knex: Knex,
    @inject(ORDERS_SQL) private readonly sql: SqlRunner,
  ) {}

  async find(userId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const [row] = (await this.sql.query<IdempotencyRow>(SQL.findIdempotency, [userId, key])).rows;
    return row && fromIdempotencyRow(row);
  }

  async insertCompleted(claim: IdempotencyClaim, response: StoredResponse): Promise<boolean> {
    // ON CONFLICT DO NOTHING: no row inserted means the key was already taken.
    return (
      (await this.sql.query(SQL.insertCompletedIdempotency, [...claimParams(claim), ...responseParams(response)]))
        .changes === 1
    );
  }

  async complete(userId: string, key: string, response: StoredResponse): Promise<void> {
    await this.sql.query(SQL.completeIdempotency, [...responseParams(response), userId, key]);
  }

  async release(userId: string, key: string): Promise<void> {
    await this.knex(IDEMPOTENCY_TABLE).where({ user_id: userId, key, state: 'in_flight' }).delete();
  }

  async discard(userId: string, key: string, createdAt: number): Promise<boolean> {
    return (await this.knex(IDEMPOTENCY_TABLE).where({ user_id: userId, key, created_at: createdAt }).delete()) === 1;
  }

  async purgeExpired(now: number): Promise<number> {
    return this.knex(IDEMPOTENCY_TABLE).where('expires_at', '<', now).delete();
  }
}
