import { inject, injectable } from 'tsyringe';
import type { EventEnvelope } from '../../../platform/kernel/event.js';
import type { Logger } from '../../../platform/kernel/logger.js';
import { LOGGER } from '../../../platform/kernel/tokens.js';
import type { NotificationDraft } from '../domain/notification.js';
import { DeliverNotificationHandler } from './deliver-notification.handler.js';
import { NOTIFICATIONS_REPOSITORY, type NotificationsRepository } from './ports/notifications-repository.port.js';

/**
 * The effect of one event: store its notification exactly once, then deliver it. Delivery comes
 * only after the commit, so a message is never sent for a notification that was rolled back, and
 * a redelivered event (already in the inbox) sends nothing.
 */
@injectable()
export class RecordNotificationHandler {
  constructor(
    @inject(NOTIFICATIONS_REPOSITORY) private readonly notifications: NotificationsRepository,
    @inject(DeliverNotificationHandler) private readonly deliver: DeliverNotificationHandler,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Resolves true when this delivery of the event created the notification. */
  async execute(event: EventEnvelope, draft: NotificationDraft): Promise<boolean> {
    const notification = await this.notifications.recordOnce(event, draft);
    if (!notification) {
      this.logger.debug({ eventId: event.id, event: event.name }, 'event already handled; no second notification');
      return false;
    }
    this.logger.info(
      { notificationId: notification.id, eventId: event.id, template: draft.template },
      'notification recorded',
    );
    // The event's effect is committed: a failed send is the retry task's job, not a reason to redeliver the event.
    await this.deliver.execute(notification).catch((error: unknown) => {
      this.logger.error(
        { err: error, notificationId: notification.id },
        'could not record the delivery outcome; the retry task will pick it up',
      );
    });
    return true;
  }
}
