import { inject, injectable } from 'tsyringe';
import type { Logger } from '../../../platform/kernel/logger.js';
import { LOGGER } from '../../../platform/kernel/tokens.js';
import { retryDelayMs } from '../domain/delivery-policy.js';
import type { DeliveryStatus, Notification } from '../domain/notification.js';
import { MAILER, type Mailer } from './ports/mailer.port.js';
import { NOTIFICATIONS_REPOSITORY, type NotificationsRepository } from './ports/notifications-repository.port.js';

/**
 * One delivery attempt of a stored notification: sent → `sent`; refused → `failed` with the
 * attempt counted and, unless it is time to give up, the next attempt scheduled.
 */
@injectable()
export class DeliverNotificationHandler {
  constructor(
    @inject(MAILER) private readonly mailer: Mailer,
    @inject(NOTIFICATIONS_REPOSITORY) private readonly notifications: NotificationsRepository,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(notification: Notification): Promise<DeliveryStatus> {
    const attempts = notification.attempts + 1;
    const fields = { notificationId: notification.id, template: notification.template, attempts };
    try {
      await this.mailer.send({ to: notification.recipient, subject: notification.subject, text: notification.body });
    } catch (error) {
      const delay = retryDelayMs(attempts);
      const now = Date.now();
      const nextAttemptAt = delay === undefined ? null : new Date(now + delay).toISOString();
      await this.notifications.markFailed(
        notification.id,
        attempts,
        errorText(error),
        nextAttemptAt,
        new Date(now).toISOString(),
      );
      if (nextAttemptAt)
        this.logger.warn({ ...fields, err: error, nextAttemptAt }, 'notification delivery failed; will retry');
      else this.logger.error({ ...fields, err: error }, 'notification delivery failed on its last attempt; giving up');
      return 'failed';
    }
    await this.notifications.markSent(notification.id, attempts, new Date().toISOString());
    this.logger.debug(fields, 'notification sent');
    return 'sent';
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 1000);
