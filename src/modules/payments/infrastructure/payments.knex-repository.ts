import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import { OUTBOX, type Outbox } from '../../../platform/events/outbox.js';
import type { PendingEvent, PaymentsRepository } from '../application/ports/payments.repository.port.js';
import type { Payment, PaymentStatus } from '../domain/payment.js';
import { PAYMENTS_KNEX } from './payments-knex.token.js';

const TABLE = 'payments';

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

const toRow = (payment: Payment): PaymentRow => ({
  id: payment.id,
  idempotency_key: payment.idempotencyKey,
  order_id: payment.orderId,
  user_id: payment.userId,
  amount_cents: payment.amountCents,
  currency: payment.currency,
  status: payment.status,
  provider_reference: payment.providerReference,
  decline_reason: payment.declineReason,
  created_at: payment.createdAt,
  updated_at: payment.updatedAt,
});

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

@injectable()
export class PaymentsKnexRepository implements PaymentsRepository {
  constructor(
    @inject(PAYMENTS_KNEX) private readonly knex: Knex,
    @inject(OUTBOX) private readonly outbox: Outbox,
  ) {}

  async insertOnce(payment: Payment, events: PendingEvent[]): Promise<Payment> {
    // ON CONFLICT DO NOTHING: a concurrent insert with the same key waits for the first to commit,
    // then inserts nothing (no aborted transaction on PostgreSQL, no check-then-insert race).
    const insert = async (db: Knex) => (await db(TABLE).insert(toRow(payment)).onConflict('idempotency_key').ignore().returning('id')).length > 0;
    const inserted =
      events.length === 0
        ? await insert(this.knex)
        : await this.knex.transaction(async (trx) => {
            if (!(await insert(trx))) return false;
            await this.addEvents(trx, events);
            return true;
          });
    if (inserted) return payment;
    const existing = await this.findByIdempotencyKey(payment.idempotencyKey);
    if (!existing) throw new Error(`payment with idempotency key ${payment.idempotencyKey} vanished`);
    return existing;
  }

  async markRefunded(id: string, at: string, events: PendingEvent[]): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      const updated = await trx(TABLE).where({ id, status: 'captured' }).update({ status: 'refunded', updated_at: at });
      if (updated === 0) return false;
      await this.addEvents(trx, events);
      return true;
    });
  }

  async findById(id: string): Promise<Payment | undefined> {
    const row = await this.knex<PaymentRow>(TABLE).where({ id }).first();
    return row ? toPayment(row) : undefined;
  }

  async findByIdempotencyKey(key: string): Promise<Payment | undefined> {
    const row = await this.knex<PaymentRow>(TABLE).where({ idempotency_key: key }).first();
    return row ? toPayment(row) : undefined;
  }

  private async addEvents(trx: Knex.Transaction, events: PendingEvent[]): Promise<void> {
    for (const { event, payload } of events) await this.outbox.add(trx, event, payload as never);
  }
}
