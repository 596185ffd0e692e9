import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import { KNEX, SQL_RUNNER } from '../../../platform/db/db.tokens.js';
import type { SqlRunner } from '../../../platform/kernel/database.js';
import type { Cursor } from '../../../platform/kernel/pagination.js';
import type { IdempotencyClaim } from '../application/ports/idempotency-store.port.js';
import type {
  DueOrder,
  OrderChange,
  OrdersRepository,
  TransitionRecords,
} from '../application/ports/orders-repository.port.js';
import type { Order, OrderStatus, SagaLease } from '../domain/order.js';
import { UNFINISHED_STATUSES } from '../domain/order-status.js';
import { claimParams, outcomeParam } from './idempotency-row.js';
import { changeToRow, fromRow, ORDERS_TABLE, toRow, type OrderRow } from './order-row.js';
import { SQL } from './orders.sql.js';

/**
 * Orders in the module's own database. The checkout's statements (insert, transitions with their
 * outbox row, look-up by id) are prepared SQL; listings and the recovery's queries use knex.
 */
@injectable()
export class OrdersSqlRepository implements OrdersRepository {
  constructor(
    @inject(KNEX) private readonly knex: Knex,
    @inject(SQL_RUNNER) private readonly sql: SqlRunner,
  ) {}

  async insert(order: Order, lease: SagaLease, claim?: IdempotencyClaim): Promise<boolean> {
    const row = toRow(order, lease);
    const params = SQL.orderColumns.map((column) => row[column]);
    if (!claim) return (await this.sql.query(SQL.insertOrder, params)).changes === 1;
    return this.sql.transaction(async (tx) => {
      // Insert first: the unique (user_id, key) constraint decides between concurrent requests.
      if ((await tx.query(SQL.claimIdempotency, claimParams(claim))).changes !== 1) return false;
      await tx.query(SQL.insertOrder, params);
      return true;
    });
  }

  async transition(
    id: string,
    from: OrderStatus,
    owner: string | null,
    change: OrderChange,
    { event, completion }: TransitionRecords = {},
  ): Promise<boolean> {
    const set = changeToRow(change);
    const statement = SQL.transition(Object.keys(set), owner !== null);
    const params = [...Object.values(set), id, from, ...(owner === null ? [] : [owner])];
    if (!event && !completion) return (await this.sql.query(statement, params)).changes === 1;
    return this.sql.transaction(async (tx) => {
      if ((await tx.query(statement, params)).changes !== 1) return false;
      if (event) await tx.publish(event.event, event.payload);
      if (completion)
        await tx.query(SQL.completeIdempotency, [outcomeParam(completion.outcome), completion.userId, completion.key]);
      return true;
    });
  }

  async findById(id: string): Promise<Order | undefined> {
    const [row] = (await this.sql.query<OrderRow>(SQL.findOrder, [id])).rows;
    return row && fromRow(row);
  }

  async listByUser(userId: string, limit: number, after: Cursor | undefined): Promise<Order[]> {
    const query = this.knex<OrderRow>(ORDERS_TABLE).where({ user_id: userId }).andWhereNot({ status: 'rejected' });
    if (after) {
      query.andWhere((older) =>
        older
          .where('created_at', '<', after.key)
          .orWhere((tie) => tie.where('created_at', after.key).andWhere('id', '<', after.id)),
      );
    }
    const rows = await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(fromRow);
  }

  async findDue(now: number, limit: number): Promise<DueOrder[]> {
    const rows: Array<Pick<OrderRow, 'id' | 'status' | 'lease_until'>> = await this.knex(ORDERS_TABLE)
      .select('id', 'status', 'lease_until')
      .whereIn('status', UNFINISHED_STATUSES)
      .andWhere('lease_until', '<', now)
      .orderBy('lease_until')
      .limit(limit);
    return rows.map((row) => ({ id: row.id, status: row.status as OrderStatus, leaseUntil: Number(row.lease_until) }));
  }

  async claim(due: DueOrder, lease: SagaLease): Promise<Order | undefined> {
    const claimed = await this.knex(ORDERS_TABLE)
      .where({ id: due.id, status: due.status, lease_until: due.leaseUntil })
      .update({ lease_owner: lease.owner, lease_until: lease.until });
    return claimed === 1 ? this.findById(due.id) : undefined;
  }
}
