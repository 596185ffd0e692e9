import { inject, injectable } from 'tsyringe';
import type { Logger } from '../../../platform/logger.js';
import type { BackgroundTask } from '../../../platform/module.js';
import { runPeriodically } from '../../../platform/periodic-task.js';
import { DELIVERY_LEASE_MS } from '../domain/delivery-policy.js';
import { NOTIFICATIONS_LOGGER } from '../notifications.tokens.js';
import { DeliverNotification } from './deliver-notification.service.js';
import { NOTIFICATIONS_REPOSITORY, type NotificationsRepository } from './ports/notifications-repository.port.js';

const BATCH = 50;
const INTERVAL_MS = 1000;

/**
 * Delivers what is owed: failed sends whose retry is due, and pending notifications whose first
 * attempt never finished (the process died between the commit and the send). Each row is claimed
 * with a lease first, so several instances never send the same notification at once.
 */
@injectable()
export class RetryDeliveries {
  constructor(
    @inject(NOTIFICATIONS_REPOSITORY) private readonly notifications: NotificationsRepository,
    @inject(DeliverNotification) private readonly deliver: DeliverNotification,
    @inject(NOTIFICATIONS_LOGGER) private readonly logger: Logger,
  ) {}

  /** One pass; resolves the number of delivery attempts made. */
  async runOnce(): Promise<number> {
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
      if (due.length < BATCH) return attempted;
    }
  }

  /** Runs a pass every second until stopped; stop() waits for the pass in progress. */
  start(intervalMs = INTERVAL_MS): BackgroundTask {
    return runPeriodically(
      'notification-retries',
      intervalMs,
      async () => {
        const attempted = await this.runOnce();
        if (attempted > 0) this.logger.info({ attempted }, 'retried notification deliveries');
      },
      this.logger,
    );
  }
}
