import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import { KNEX, SQL_RUNNER } from '../../../platform/db/db.tokens.js';
import type { SqlRunner } from '../../../platform/kernel/database.js';
import type { EventEnvelope } from '../../../platform/kernel/event.js';
import { consumeOnceSql } from '../../../platform/events/inbox.js';
import { decodeCursor, toPage, type Page } from '../../../platform/kernel/pagination.js';
import type { NotificationsRepository } from '../application/ports/notifications-repository.port.js';
import { DELIVERY_LEASE_MS } from '../domain/delivery-policy.js';
import type { DeliveryStatus, Notification, NotificationDraft, Template } from '../domain/notification.js';

const TABLE = 'notifications';
const COLUMNS = [
  'id',
  'event_id',
  'user_id',
  'template',
  'recipient',
  'subject',
  'body',
  'order_id',
  'status',
  'attempts',
  'created_at',
];

/** The statements run for every event (record, then the delivery outcome), as fixed SQL. */
const STATEMENTS = {
  // The inbox already rejects a second delivery; the unique (event_id, template) also holds if it ever did not.
  insert: `INSERT INTO ${TABLE} (id, event_id, user_id, channel, template, recipient, subject, body, order_id, status, attempts, created_at, updated_at, next_attempt_at)
    VALUES (?, ?, ?, 'email', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, template) DO NOTHING`,
  sent: `UPDATE ${TABLE} SET status = 'sent', attempts = ?, sent_at = ?, updated_at = ?, next_attempt_at = NULL, last_error = NULL WHERE id = ?`,
  failed: `UPDATE ${TABLE} SET status = 'failed', attempts = ?, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?`,
};

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

/** Notifications in the module's own database: the per-event writes are prepared SQL, listings and the retry scan use knex. */
@injectable()
export class NotificationsSqlRepository implements NotificationsRepository {
  constructor(
    @inject(KNEX) private readonly knex: Knex,
    @inject(SQL_RUNNER) private readonly sql: SqlRunner,
  ) {}

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
    // Lease for the immediate send that follows the commit; if the process dies first, the retry task sends it.
    const leaseUntil = new Date(now.getTime() + DELIVERY_LEASE_MS).toISOString();
    const params = [
      row.id,
      row.event_id,
      row.user_id,
      row.template,
      row.recipient,
      row.subject,
      row.body,
      row.order_id,
      row.status,
      row.attempts,
      row.created_at,
      row.created_at,
      leaseUntil,
    ];
    let inserted = false;
    await consumeOnceSql(this.sql, event, async (tx) => {
      inserted = (await tx.query(STATEMENTS.insert, params)).changes === 1;
    });
    return inserted ? toNotification(row) : undefined;
  }

  async listForUser(userId: string, limit: number, cursor: string | undefined): Promise<Page<Notification>> {
    const after = decodeCursor(cursor);
    const query = this.knex(TABLE).select(COLUMNS).where('user_id', userId);
    if (after) {
      query.andWhere((older) =>
        older
          .where('created_at', '<', after.key)
          .orWhere((same) => same.where('created_at', after.key).andWhere('id', '<', after.id)),
      );
    }
    const rows = (await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit + 1)) as Row[];
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
      const won = await this.knex(TABLE)
        .where({ id: row.id, next_attempt_at: row.next_attempt_at })
        .update({ next_attempt_at: leaseUntil });
      if (won === 1) claimed.push(toNotification(row));
    }
    return claimed;
  }

  async markSent(id: string, attempts: number, at: string): Promise<void> {
    await this.sql.query(STATEMENTS.sent, [attempts, at, at, id]);
  }

  async markFailed(
    id: string,
    attempts: number,
    error: string,
    nextAttemptAt: string | null,
    at: string,
  ): Promise<void> {
    await this.sql.query(STATEMENTS.failed, [attempts, error, nextAttemptAt, at, id]);
  }
}
