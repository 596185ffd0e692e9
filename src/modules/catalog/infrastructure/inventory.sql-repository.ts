import { inject, injectable } from 'tsyringe';
import type { ProductSnapshot } from '../contract/catalog.contract.js';
import { byProductId, type ReservationLine, type ReservationStatus } from '../domain/reservation.js';
import type { Inventory, ReserveOutcome } from '../application/ports/inventory.port.js';
import type { Knex } from 'knex';
import { KNEX, SQL_RUNNER } from '../../../platform/db/db.tokens.js';
import { dialectOf } from '../../../platform/db/dialect.js';
import { SQL } from './inventory.sql.js';
import type { SqlRunner, SqlSession } from '../../../platform/kernel/database.js';

/** Thrown inside a reserve transaction to roll it back; carries the answer out. */
class Rejected extends Error {
  constructor(readonly outcome: ReserveOutcome) {
    super('reservation rejected');
  }
}

interface SnapshotRow {
  id: string;
  sku: string;
  name: string;
  price_cents: number;
  currency: string;
  stock: number;
}

/**
 * Reservations on SQLite and PostgreSQL alike. Every stock change is a conditional update inside
 * one transaction; on PostgreSQL (READ COMMITTED) a concurrent update makes the condition be
 * re-checked against the committed row, so two transactions never both take the last unit.
 * Locks are taken in one order everywhere: the reservation row, then products by id.
 */
@injectable()
export class InventorySqlRepository implements Inventory {
  private readonly releasedStatement: string;

  constructor(
    @inject(SQL_RUNNER) private readonly sql: SqlRunner,
    @inject(KNEX) knex: Knex,
  ) {
    this.releasedStatement = SQL.released(dialectOf(knex) === 'postgres');
  }

  async snapshots(ids: readonly string[]): Promise<ProductSnapshot[]> {
    const unique = [...new Set(ids)];
    const { rows } = await this.sql.query<SnapshotRow>(SQL.snapshots(unique.length), unique);
    return rows.map((row) => ({
      id: row.id,
      sku: row.sku,
      name: row.name,
      priceCents: row.price_cents,
      currency: row.currency,
      stock: row.stock,
    }));
  }

  async reserve(
    orderId: string,
    lines: readonly ReservationLine[],
    now: string,
    expiresAt: string,
  ): Promise<ReserveOutcome> {
    try {
      return await this.sql.transaction(async (tx) => {
        const inserted = await tx.query(SQL.insertHold, [orderId, expiresAt, now, now]);
        if (inserted.changes === 0) return { status: (await this.statusOf(tx, orderId)) ?? 'released' };
        for (const { productId, quantity } of lines) {
          const taken = await tx.query(SQL.take, [quantity, productId, quantity]);
          if (taken.changes === 0) throw new Rejected(await this.whyRejected(tx, lines, productId));
        }
        await tx.query(
          SQL.insertLines(lines.length),
          lines.flatMap((line) => [orderId, line.productId, line.quantity]),
        );
        return { status: 'held' as const };
      });
    } catch (error) {
      if (error instanceof Rejected) return error.outcome;
      throw error;
    }
  }

  async commit(orderId: string, now: string): Promise<ReservationStatus | undefined> {
    for (;;) {
      if ((await this.sql.query(SQL.commit, [now, orderId])).changes === 1) return 'committed';
      const status = await this.statusOf(this.sql, orderId);
      // 'held' here means a reserve for this order committed between the two statements (PostgreSQL): try again.
      if (status !== 'held') return status;
    }
  }

  async release(orderId: string, now: string, { onlyIfHeld = false } = {}): Promise<ReservationStatus | undefined> {
    const release = onlyIfHeld ? SQL.releaseHeld : SQL.releaseAny;
    return this.sql.transaction(async (tx) => {
      if (await this.giveBack(tx, release, orderId, now)) return 'released';
      if (onlyIfHeld) return this.statusOf(tx, orderId);
      // Nothing to give back: remember the order as released, so a reserve arriving late holds nothing.
      const recorded = await tx.query(SQL.insertReleased, [orderId, now, now, now]);
      // PostgreSQL: a reserve for this order committed while we waited on its key; this new statement sees it.
      if (recorded.changes === 0) await this.giveBack(tx, release, orderId, now);
      return 'released';
    });
  }

  async lapsedHolds(now: string, limit: number): Promise<string[]> {
    const { rows } = await this.sql.query<{ order_id: string }>(SQL.lapsed, [now, limit]);
    return rows.map((row) => row.order_id);
  }

  async deleteReleased(before: string, limit: number): Promise<number> {
    return this.sql.transaction(async (tx) => {
      const { rows } = await tx.query<{ order_id: string }>(this.releasedStatement, [before, limit]);
      if (rows.length === 0) return 0;
      const ids = rows.map((row) => row.order_id);
      const padded = [...ids, ...Array<string>(limit - ids.length).fill(ids[0])];
      await tx.query(SQL.deleteLines(limit), padded);
      return (await tx.query(SQL.deleteReleased(limit), padded)).changes;
    });
  }

  /** Marks the reservation released (if `release` matches its status) and returns its units to stock. */
  private async giveBack(tx: SqlSession, release: string, orderId: string, now: string): Promise<boolean> {
    if ((await tx.query(release, [now, orderId])).changes === 0) return false;
    const { rows } = await tx.query<{ product_id: string; quantity: number }>(SQL.lines, [orderId]);
    const lines = rows.map((row) => ({ productId: row.product_id, quantity: row.quantity })).sort(byProductId);
    for (const line of lines) await tx.query(SQL.giveBack, [line.quantity, line.productId]);
    return true;
  }

  private async statusOf(db: SqlSession, orderId: string): Promise<ReservationStatus | undefined> {
    const { rows } = await db.query<{ status: ReservationStatus }>(SQL.status, [orderId]);
    return rows[0]?.status;
  }

  /** An unknown product outranks a short one: the cart itself is wrong, not just early. */
  private async whyRejected(
    tx: SqlSession,
    lines: readonly ReservationLine[],
    shortId: string,
  ): Promise<ReserveOutcome> {
    const ids = lines.map((line) => line.productId);
    const { rows } = await tx.query<{ id: string }>(SQL.existing(ids.length), ids);
    const found = new Set(rows.map((row) => row.id));
    const unknown = ids.find((id) => !found.has(id));
    return unknown
      ? { rejected: 'unknown_product', productId: unknown }
      : { rejected: 'out_of_stock', productId: shortId };
  }
}
