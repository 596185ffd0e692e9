import { inject, injectable } from 'tsyringe';
import type { Page } from '../../../platform/kernel/pagination.js';
import type { Notification } from '../domain/notification.js';
import { NOTIFICATIONS_REPOSITORY, type NotificationsRepository } from './ports/notifications-repository.port.js';

/** A user's own notifications, newest first. */
@injectable()
export class ListNotificationsHandler {
  constructor(@inject(NOTIFICATIONS_REPOSITORY) private readonly notifications: NotificationsRepository) {}

  execute(userId: string, page: { limit: number; cursor?: string }): Promise<Page<Notification>> {
    return this.notifications.listForUser(userId, page.limit, page.cursor);
  }
}
