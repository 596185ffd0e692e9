import { inboxMigration } from '../../platform/events/inbox.js';
import { defineModule } from '../../platform/module.js';
import { DeliverNotification } from './application/deliver-notification.service.js';
import { FindRecipient } from './application/find-recipient.service.js';
import { ListNotifications } from './application/list-notifications.query.js';
import { MAILER } from './application/ports/mailer.port.js';
import { NOTIFICATIONS_REPOSITORY } from './application/ports/notifications-repository.port.js';
import { RecordNotification } from './application/record-notification.handler.js';
import { RetryDeliveries } from './application/retry-deliveries.task.js';
import { onOrderCancelled } from './application/subscribers/on-order-cancelled.subscriber.js';
import { onOrderConfirmed } from './application/subscribers/on-order-confirmed.subscriber.js';
import { onOrderPaymentFailed } from './application/subscribers/on-order-payment-failed.subscriber.js';
import { onUserRegistered } from './application/subscribers/on-user-registered.subscriber.js';
import { notificationsRoutes } from './http/notifications.routes.js';
import { createMailer } from './infrastructure/create-mailer.js';
import { NOTIFICATIONS_KNEX, NOTIFICATIONS_SQL } from './infrastructure/notifications-db.tokens.js';
import { NotificationsSqlRepository } from './infrastructure/notifications.sql-repository.js';
import { notificationsMigration } from './migrations/0001_notifications.migration.js';
import { NOTIFICATIONS_LOGGER } from './notifications.tokens.js';

/**
 * Notifications: reacts to user and order events with an e-mail per event (exactly one, through the
 * inbox), stored for its owner to list, delivered after commit and retried until sent.
 */
export default defineModule({
  name: 'notifications',
  // Order events carry only the user id; the address comes from users.getUser.
  requires: ['users'],
  migrations: [inboxMigration, notificationsMigration],
  routes: notificationsRoutes,
  publishes: [],
  subscriptions: [onUserRegistered, onOrderConfirmed, onOrderCancelled, onOrderPaymentFailed],
  register({ container, db, config, logger }) {
    container.register(NOTIFICATIONS_KNEX, { useValue: db.knex });
    container.register(NOTIFICATIONS_SQL, { useValue: db.sql });
    container.register(NOTIFICATIONS_LOGGER, { useValue: logger });
    container.register(MAILER, { useValue: createMailer(config, logger) });
    container.registerSingleton(NOTIFICATIONS_REPOSITORY, NotificationsSqlRepository);
    container.registerSingleton(DeliverNotification);
    container.registerSingleton(RecordNotification);
    container.registerSingleton(FindRecipient);
    container.registerSingleton(ListNotifications);
    container.registerSingleton(RetryDeliveries);
  },
  async start({ container }) {
    return [container.resolve(RetryDeliveries).start()];
  },
});
