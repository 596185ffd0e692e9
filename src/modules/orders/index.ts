import { outboxMigration } from '../../platform/events/outbox.js';
import { defineModule } from '../../platform/module.js';
import { ORDER_CANCELLED, ORDER_CONFIRMED, ORDER_PAYMENT_FAILED } from './contract/orders.events.js';
import { ordersContract } from './contract/orders.contract.js';
import { ordersRoutes } from './http/orders.routes.js';
import { ordersMigration } from './migrations/0001_orders.migration.js';
import { idempotencyKeysMigration } from './migrations/0002_idempotency_keys.migration.js';
import { registerOrders, startOrders } from './orders.registration.js';

/** Orders: the checkout saga over catalog and payments, with idempotent checkout and recovery. */
export default defineModule({
  name: 'orders',
  contract: ordersContract,
  requires: ['catalog', 'payments'],
  migrations: [outboxMigration, ordersMigration, idempotencyKeysMigration],
  routes: ordersRoutes,
  publishes: [ORDER_CONFIRMED, ORDER_CANCELLED, ORDER_PAYMENT_FAILED],
  subscriptions: [],
  register: registerOrders,
  start: startOrders,
});
