import { inject, injectable } from 'tsyringe';
import type { Logger } from '../../../platform/kernel/logger.js';
import { LOGGER } from '../../../platform/kernel/tokens.js';
import { DELIVERY_LEASE_MS } from '../domain/delivery-policy.js';
import { DeliverNotificationHandler } from './deliver-notification.handler.js';
import { NOTIFICATIONS_REPOSITORY, type NotificationsRepository } from './ports/notifications-repository.port.js';

const BATCH = 50;

/**
 * Delivers what is owed: failed sends whose retry is due, and pending notifications whose first
 * attempt never finished (the process died between the commit and the send). Each row is claimed
 * with a lease first, so several instances never send the same notification at once.
 */
@injectable()
export class RetryDeliveriesHandler {
  constructor(
    @inject(NOTIFICATIONS_REPOSITORY) private readonly notifications: NotificationsRepository,
    @inject(DeliverNotificationHandler) private readonly deliver: DeliverNotificationHandler,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** One pass over everything due; resolves the number of delivery attempts made. */
  async execute(): Promise<number> {
    let attempted = 0;
    for (;;) {
      const now = Date.now();
      const due = await this.notifications.claimDue(
        new Date(now).toISOString(),
        new Date(now + DELIVERY_LEASE_MS).toISOString(),
        BATCH,
      );
      for (const notification of due) await this.deliver.execute(notification);
      attempted += due.length;
      if (due.length < BATCH) break;
    }
    if (attempted > 0) this.logger.info({ attempted }, 'retried notification deliveries');
    return attempted;
  }
}
