import { inject, injectable } from 'tsyringe';
import { SQL_RUNNER } from '../../../platform/db/db.tokens.js';
import type { SqlRunner } from '../../../platform/kernel/database.js';
import type { PendingEvent } from '../../../platform/kernel/event.js';
import type { ChargeClaim, PaymentsRepository } from '../application/ports/payments.repository.port.js';
import type { Payment, PaymentStatus } from '../domain/payment.js';

interface PaymentRow {
  id: string;
  idempotency_key: string;
  order_id: string;
  user_id: string;
  amount_cents: number | string;
  currency: string;
  status: string;
  provider_reference: string;
  decline_reason: string | null;
  created_at: string;
  updated_at: string;
}

const COLUMNS: Array<keyof PaymentRow> = [
  'id',
  'idempotency_key',
  'order_id',
  'user_id',
  'amount_cents',
  'currency',
  'status',
  'provider_reference',
  'decline_reason',
  'created_at',
  'updated_at',
];

/** Fixed statements (`?` placeholders, both dialects): the charge is on the checkout hot path. */
const STATEMENTS = {
  // ON CONFLICT DO NOTHING: a concurrent insert with the same key waits for the first to commit,
  // then inserts nothing (no aborted transaction on PostgreSQL, no check-then-insert race).
  insert: `INSERT INTO payments (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (idempotency_key) DO NOTHING`,
  refund: `UPDATE payments SET status = 'refunded', updated_at = ? WHERE id = ? AND status = 'captured'`,
  byId: `SELECT ${COLUMNS.join(', ')} FROM payments WHERE id = ?`,
  byKey: `SELECT ${COLUMNS.join(', ')} FROM payments WHERE idempotency_key = ?`,
  // Takes the key when free or when its last claim ran out; a live claim is left alone (0 changes).
  claim: `INSERT INTO charge_claims (idempotency_key, owner, lease_until) VALUES (?, ?, ?)
    ON CONFLICT (idempotency_key) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
    WHERE charge_claims.lease_until < ?`,
  charging: `SELECT owner FROM charge_claims WHERE idempotency_key = ? AND lease_until >= ?`,
  release: `DELETE FROM charge_claims WHERE idempotency_key = ? AND owner = ?`,
  // The table holds only the charges in flight (and what crashes left), so a scan is cheap.
  purgeClaims: `DELETE FROM charge_claims WHERE idempotency_key IN
    (SELECT idempotency_key FROM charge_claims WHERE lease_until < ? LIMIT ?)`,
};

const toParams = (payment: Payment): unknown[] => [
  payment.id,
  payment.idempotencyKey,
  payment.orderId,
  payment.userId,
  payment.amountCents,
  payment.currency,
  payment.status,
  payment.providerReference,
  payment.declineReason,
  payment.createdAt,
  payment.updatedAt,
];

const toPayment = (row: PaymentRow): Payment => ({
  id: row.id,
  idempotencyKey: row.idempotency_key,
  orderId: row.order_id,
  userId: row.user_id,
  // bigint columns come back from PostgreSQL as strings.
  amountCents: Number(row.amount_cents),
  currency: row.currency,
  status: row.status as PaymentStatus,
  providerReference: row.provider_reference,
  declineReason: row.decline_reason,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Payments in the module's own database; every write commits together with its outbox rows. */
@injectable()
export class PaymentsSqlRepository implements PaymentsRepository {
  constructor(@inject(SQL_RUNNER) private readonly sql: SqlRunner) {}

  async insertOnce(payment: Payment, events: PendingEvent[], claim?: ChargeClaim): Promise<Payment> {
    const params = toParams(payment);
    const inserted = await this.sql.transaction(async (tx) => {
      const won = (await tx.query(STATEMENTS.insert, params)).changes === 1;
      if (won) for (const { event, payload } of events) await tx.publish(event, payload);
      if (claim) await tx.query(STATEMENTS.release, [claim.idempotencyKey, claim.owner]);
      return won;
    });
    if (inserted) return payment;
    const existing = await this.findByIdempotencyKey(payment.idempotencyKey);
    if (!existing) throw new Error(`payment with idempotency key ${payment.idempotencyKey} vanished`);
    return existing;
  }

  async claimCharge(claim: ChargeClaim, now: number): Promise<boolean> {
    const { idempotencyKey, owner, until } = claim;
    return (await this.sql.query(STATEMENTS.claim, [idempotencyKey, owner, until, now])).changes === 1;
  }

  async isCharging(idempotencyKey: string, now: number): Promise<boolean> {
    return (await this.sql.query(STATEMENTS.charging, [idempotencyKey, now])).rows.length > 0;
  }

  async releaseCharge({ idempotencyKey, owner }: ChargeClaim): Promise<void> {
    await this.sql.query(STATEMENTS.release, [idempotencyKey, owner]);
  }

  async purgeExpiredClaims(now: number, limit: number): Promise<number> {
    return (await this.sql.query(STATEMENTS.purgeClaims, [now, limit])).changes;
  }

  markRefunded(id: string, at: string, events: PendingEvent[]): Promise<boolean> {
    return this.sql.transaction(async (tx) => {
      if ((await tx.query(STATEMENTS.refund, [at, id])).changes === 0) return false;
      for (const { event, payload } of events) await tx.publish(event, payload);
      return true;
    });
  }

  async findById(id: string): Promise<Payment | undefined> {
    const [row] = (await this.sql.query<PaymentRow>(STATEMENTS.byId, [id])).rows;
    return row && toPayment(row);
  }

  async findByIdempotencyKey(key: string): Promise<Payment | undefined> {
    const [row] = (await this.sql.query<PaymentRow>(STATEMENTS.byKey, [key])).rows;
    return row && toPayment(row);
  }
}
