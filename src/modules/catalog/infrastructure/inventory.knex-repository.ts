import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import type { ProductSnapshot } from '../contract/catalog.api.js';
import type { ReservationLine, ReservationStatus } from '../domain/reservation.js';
import type { Inventory, ReserveOutcome } from '../application/ports/inventory.port.js';
import { CATALOG_KNEX } from '../catalog.tokens.js';

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
 * re-checked against the committed row, so two transactions can never both take the last unit.
 * Locks are taken in one order everywhere (the reservation row, then products by id).
 */
@injectable()
export class InventoryKnexRepository implements Inventory {
  constructor(@inject(CATALOG_KNEX) private readonly knex: Knex) {}

  async snapshots(ids: readonly string[]): Promise<ProductSnapshot[]> {
    const rows = (await this.knex('products').whereIn('id', [...new Set(ids)]).select('id', 'sku', 'name', 'price_cents', 'currency', 'stock')) as SnapshotRow[];
    return rows.map((row) => ({ id: row.id, sku: row.sku, name: row.name, priceCents: row.price_cents, currency: row.currency, stock: row.stock }));
  }

  async reserve(orderId: string, lines: readonly ReservationLine[], now: string, expiresAt: string): Promise<ReserveOutcome> {
    try {
      return await this.knex.transaction(async (trx) => {
        // The primary key decides which of two concurrent calls for one order takes the stock.
        const inserted = await trx('reservations')
          .insert({ order_id: orderId, status: 'held', expires_at: expiresAt, created_at: now, updated_at: now })
          .onConflict('order_id')
          .ignore()
          .returning('order_id');
        if (inserted.length === 0) return { status: (await this.statusOf(trx, orderId)) ?? 'released' };
        for (const line of lines) {
          const taken = await trx('products').where('id', line.productId).andWhere('stock', '>=', line.quantity).decrement('stock', line.quantity);
          if (taken === 0) throw new Rejected(await this.whyRejected(trx, lines, line.productId));
        }
        await trx('reservation_lines').insert(lines.map((line) => ({ order_id: orderId, product_id: line.productId, quantity: line.quantity })));
        return { status: 'held' as const };
      });
    } catch (error) {
      if (error instanceof Rejected) return error.outcome;
      throw error;
    }
  }

  async commit(orderId: string, now: string): Promise<ReservationStatus | undefined> {
    const changed = await this.knex('reservations').where({ order_id: orderId, status: 'held' }).update({ status: 'committed', updated_at: now });
    return changed === 1 ? 'committed' : this.statusOf(this.knex, orderId);
  }

  async release(orderId: string, now: string, { onlyIfHeld = false } = {}): Promise<ReservationStatus | undefined> {
    const from: ReservationStatus[] = onlyIfHeld ? ['held'] : ['held', 'committed'];
    return this.knex.transaction(async (trx) => {
      if (await this.giveBack(trx, orderId, from, now)) return 'released';
      if (onlyIfHeld) return this.statusOf(trx, orderId);
      // Nothing to give back: remember the order as released, so a reserve arriving late holds nothing.
      const recorded = await trx('reservations')
        .insert({ order_id: orderId, status: 'released', expires_at: now, created_at: now, updated_at: now })
        .onConflict('order_id')
        .ignore()
        .returning('order_id');
      if (recorded.length === 0) {
        // PostgreSQL: a reserve for this order committed while we waited on its key; this new statement sees it.
        await this.giveBack(trx, orderId, from, now);
      }
      return 'released';
    });
  }

  async lapsedHolds(now: string, limit: number): Promise<string[]> {
    const rows = (await this.knex('reservations').where('status', 'held').andWhere('expires_at', '<=', now).orderBy('expires_at').limit(limit).select('order_id')) as { order_id: string }[];
    return rows.map((row) => row.order_id);
  }

  /** Marks the reservation released if its status is in `from`, and returns its units to stock. */
  private async giveBack(trx: Knex.Transaction, orderId: string, from: ReservationStatus[], now: string): Promise<boolean> {
    const changed = await trx('reservations').where('order_id', orderId).whereIn('status', from).update({ status: 'released', updated_at: now });
    if (changed === 0) return false;
    const lines = (await trx('reservation_lines').where('order_id', orderId).orderBy('product_id').select('product_id', 'quantity')) as { product_id: string; quantity: number }[];
    for (const line of lines) await trx('products').where('id', line.product_id).increment('stock', line.quantity);
    return true;
  }

  private async statusOf(db: Knex | Knex.Transaction, orderId: string): Promise<ReservationStatus | undefined> {
    const row = (await db('reservations').where('order_id', orderId).first('status')) as { status: ReservationStatus } | undefined;
    return row?.status;
  }

  /** An unknown product outranks a short one: the cart itself is wrong, not just early. */
  private async whyRejected(trx: Knex.Transaction, lines: readonly ReservationLine[], shortId: string): Promise<ReserveOutcome> {
    const ids = lines.map((line) => line.productId);
    const found = new Set(((await trx('products').whereIn('id', ids).select('id')) as { id: string }[]).map((row) => row.id));
    const unknown = ids.find((id) => !found.has(id));
    return unknown ? { rejected: 'unknown_product', productId: unknown } : { rejected: 'out_of_stock', productId: shortId };
  }
}
