import type { InjectionToken } from 'tsyringe';
import type { EventEnvelope } from '../../../../platform/kernel/event.js';
import type { Page } from '../../../../platform/kernel/pagination.js';
import type { Notification, NotificationDraft } from '../../domain/notification.js';

/**
 * Stored notifications. A row owes a delivery while its `nextAttemptAt` is set: it is cleared when
 * the message is sent or given up on.
 */
export interface NotificationsRepository {
  /**
   * Stores the notification as the effect of `event`, in the same transaction as the event's inbox
   * row. Resolves the new (pending) notification, or undefined when the event was handled before.
   */
  recordOnce(event: EventEnvelope, draft: NotificationDraft): Promise<Notification | undefined>;
  /** The user's notifications, newest first. */
  listForUser(userId: string, limit: number, cursor: string | undefined): Promise<Page<Notification>>;
  /**
   * Claims up to `limit` notifications whose next delivery attempt is due, leasing each until
   * `leaseUntil` so that no other worker delivers it meanwhile.
   */
  claimDue(now: string, leaseUntil: string, limit: number): Promise<Notification[]>;
  markSent(id: string, attempts: number, at: string): Promise<void>;
  /** `nextAttemptAt` null: no further attempt (given up). */
  markFailed(id: string, attempts: number, error: string, nextAttemptAt: string | null, at: string): Promise<void>;
}

export const NOTIFICATIONS_REPOSITORY: InjectionToken<NotificationsRepository> = Symbol('NOTIFICATIONS_REPOSITORY');
