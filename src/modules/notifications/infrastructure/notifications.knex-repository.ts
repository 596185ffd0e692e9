import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import type { EventEnvelope } from '../../../platform/events/event.js';
import { consumeOnce } from '../../../platform/events/inbox.js';
import { decodeCursor, toPage, type Page } from '../../../platform/http/pagination.js';
import type { NotificationsRepository } from '../application/ports/notifications-repository.port.js';
import { DELIVERY_LEASE_MS } from '../domain/delivery-policy.js';
import type { DeliveryStatus, Notification, NotificationDraft, Template } from '../domain/notification.js';
import { NOTIFICATIONS_KNEX } from './notifications-knex.token.js';

const TABLE = 'notifications';
const COLUMNS = ['id', 'event_id', 'user_id', 'template', 'recipient', 'subject', 'body', 'order_id', 'status', 'attempts', 'created_at'];

interface Row {
  id: string;
  event_id: string;
  user_id: string;
  template: string;
  recipient: string;
  subject: string;
  body: string;
  order_id: string | null;
  status: string;
  attempts: number | string;
  created_at: string;
}

const toNotification = (row: Row): Notification => ({
  id: row.id,
  eventId: row.event_id,
  userId: row.user_id,
  channel: 'email',
  template: row.template as Template,
  recipient: row.recipient,
  subject: row.subject,
  body: row.body,
  ...(row.order_id ? { orderId: row.order_id } : {}),
  status: row.status as DeliveryStatus,
  attempts: Number(row.attempts),
  createdAt: row.created_at,
});

@injectable()
export class KnexNotificationsRepository implements NotificationsRepository {
  constructor(@inject(NOTIFICATIONS_KNEX) private readonly knex: Knex) {}

  async recordOnce(event: EventEnvelope, draft: NotificationDraft): Promise<Notification | undefined> {
    const now = new Date();
    const row: Row = {
      id: randomUUID(),
      event_id: event.id,
      user_id: draft.userId,
      template: draft.template,
      recipient: draft.recipient,
      subject: draft.subject,
      body: draft.body,
      order_id: draft.orderId ?? null,
      status: 'pending',
      attempts: 0,
      created_at: now.toISOString(),
    };
    let inserted = false;
    await consumeOnce(this.knex, event, async (trx) => {
      // The inbox already rejects a second delivery; the unique (event_id, template) also holds if it ever did not.
      const ids = await trx(TABLE)
        .insert({
          ...row,
          channel: 'email',
          updated_at: row.created_at,
          // Lease for the immediate send that follows the commit; if the process dies first, the retry task sends it.
          next_attempt_at: new Date(now.getTime() + DELIVERY_LEASE_MS).toISOString(),
        })
        .onConflict(['event_id', 'template'])
        .ignore()
        .returning('id');
      inserted = ids.length > 0;
    });
    return inserted ? toNotification(row) : undefined;
  }

  async listForUser(userId: string, limit: number, cursor: string | undefined): Promise<Page<Notification>> {
    const after = decodeCursor(cursor);
    const query = this.knex(TABLE).select(COLUMNS).where('user_id', userId);
    if (after) {
      query.andWhere((older) => older.where('created_at', '<', after.key).orWhere((same) => same.where('created_at', after.key).andWhere('id', '<', after.id)));
    }
    const rows = (await query.orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit + 1)) as Row[];
    return toPage(rows, limit, (row) => ({ key: row.created_at, id: row.id }), toNotification);
  }

  async claimDue(now: string, leaseUntil: string, limit: number): Promise<Notification[]> {
    const due = (await this.knex(TABLE)
      .select([...COLUMNS, 'next_attempt_at'])
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(limit)) as (Row & { next_attempt_at: string })[];
    const claimed: Notification[] = [];
    for (const row of due) {
      // Compare-and-set on the lease: of several workers that read the same row, exactly one wins it.
      const won = await this.knex(TABLE).where({ id: row.id, next_attempt_at: row.next_attempt_at }).update({ next_attempt_at: leaseUntil });
      if (won === 1) claimed.push(toNotification(row));
    }
    return claimed;
  }

  async markSent(id: string, attempts: number, at: string): Promise<void> {
    await this.knex(TABLE).where({ id }).update({ status: 'sent', attempts, sent_at: at, updated_at: at, next_attempt_at: null, last_error: null });
  }

  async markFailed(id: string, attempts: number, error: string, nextAttemptAt: string | null, at: string): Promise<void> {
    await this.knex(TABLE).where({ id }).update({ status: 'failed', attempts, last_error: error, next_attempt_at: nextAttemptAt, updated_at: at });
  }
}
