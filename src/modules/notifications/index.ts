import { housekeepingTask } from '../../platform/db/housekeeping.js';
import { inboxHousekeepingMigration, inboxSweep } from '../../platform/events/inbox-housekeeping.js';
import { inboxMigration } from '../../platform/events/inbox.js';
import { defineModule } from '../../platform/kernel/module.js';
import { MAILER } from './application/ports/mailer.port.js';
import { NOTIFICATIONS_REPOSITORY } from './application/ports/notifications-repository.port.js';
import { RecipientCache } from './application/recipient-cache.js';
import { RetryDeliveriesHandler } from './application/retry-deliveries.handler.js';
import { onUserRegistered } from './application/subscribers/on-user-registered.subscriber.js';
import { orderNotifications } from './application/subscribers/order-notifications.subscriber.js';
import { notificationsRoutes } from './http/notifications.routes.js';
import { createMailer } from './infrastructure/create-mailer.js';
import { NotificationsSqlRepository } from './infrastructure/notifications.sql-repository.js';
import { notificationsMigration } from './migrations/0001_notifications.migration.js';
import { notificationsSettings } from './notifications.settings.js';

/**
 * Notifications: reacts to user and order events with an e-mail per event (exactly one, through the
 * inbox), stored for its owner to list, delivered after commit and retried until sent.
 */
export default defineModule({
  name: 'notifications',
  settings: notificationsSettings,
  // Order events carry only the user id; the address comes from users.getUser.
  requires: ['users'],
  migrations: [inboxMigration, inboxHousekeepingMigration, notificationsMigration],
  routes: notificationsRoutes,
  publishes: [],
  subscriptions: [onUserRegistered, ...orderNotifications],
  register({ container, settings, logger }) {
    container.register(MAILER, { useValue: createMailer(settings, logger) });
    container.registerSingleton(NOTIFICATIONS_REPOSITORY, NotificationsSqlRepository);
    container.registerSingleton(RecipientCache);
  },
  tasks(context) {
    return [
      {
        name: 'notification-retries',
        everyMs: 1000,
        run: () => context.container.resolve(RetryDeliveriesHandler).execute(),
      },
      housekeepingTask(context, [inboxSweep(context.db, context.config.inboxRetentionSeconds)]),
    ];
  },
});
