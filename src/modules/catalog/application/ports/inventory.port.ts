import type { ProductSnapshot } from '../../contract/catalog.contract.js';
import type { ReservationLine, ReservationStatus } from '../../domain/reservation.js';

export type ReserveOutcome =
  { status: ReservationStatus } | { rejected: 'out_of_stock' | 'unknown_product'; productId: string };

/**
 * Stock and reservations, each operation one atomic transaction. Stock only ever moves through
 * conditional updates, so no interleaving of these calls can make it negative or oversell it.
 */
export interface Inventory {
  snapshots(ids: readonly string[]): Promise<ProductSnapshot[]>;
  /**
   * Takes every line (normalized: one per product, sorted by id) or nothing. When a reservation
   * for `orderId` already exists, takes nothing and returns its status.
   */
  reserve(orderId: string, lines: readonly ReservationLine[], now: string, expiresAt: string): Promise<ReserveOutcome>;
  /** held → committed. Returns the status afterwards, undefined when there is no reservation. */
  commit(orderId: string, now: string): Promise<ReservationStatus | undefined>;
  /**
   * held or committed → released, returning its units to stock. With `onlyIfHeld`, a committed
   * reservation is left alone (the sweeper must never undo a sale). Without it, a missing
   * reservation is recorded as released, so a late reserve for the same order takes nothing.
   */
  release(orderId: string, now: string, options?: { onlyIfHeld?: boolean }): Promise<ReservationStatus | undefined>;
  /** Order ids of holds that lapsed at or before `now`, oldest first. */
  lapsedHolds(now: string, limit: number): Promise<string[]>;
  /**
   * Deletes up to `limit` reservations released before `before`, with their lines; resolves how
   * many. Released is final: nothing reads it again but a very late reserve for the same order,
   * which the retention outlasts. Committed reservations stay: cancelling the order (allowed for as
   * long as it is confirmed) gives back the units they record.
   */
  deleteReleased(before: string, limit: number): Promise<number>;
}

export const INVENTORY = Symbol('INVENTORY');
