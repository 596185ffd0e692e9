import { housekeepingTask } from '../../platform/db/housekeeping.js';
import { outboxSweep } from '../../platform/events/outbox-housekeeping.js';
import { outboxMigration } from '../../platform/events/outbox.js';
import { defineModule } from '../../platform/kernel/module.js';
import { CHECKOUT_METRICS } from './application/ports/checkout-metrics.port.js';
import { IDEMPOTENCY_STORE } from './application/ports/idempotency-store.port.js';
import { ORDERS_REPOSITORY } from './application/ports/orders-repository.port.js';
import { LIVE_CHECKOUTS, LiveCheckouts } from './application/live-checkouts.js';
import { OrdersApiService } from './application/orders-api.service.js';
import { RecoverCheckoutsHandler } from './application/recover-checkouts.handler.js';
import { ORDER_CANCELLED, ORDER_CONFIRMED, ORDER_PAYMENT_FAILED } from './contract/orders.events.js';
import { ORDERS_API, ordersContract } from './contract/orders.contract.js';
import { ordersRoutes } from './http/orders.routes.js';
import { IdempotencySqlStore } from './infrastructure/idempotency.sql-store.js';
import { OrdersMetrics } from './infrastructure/orders-metrics.js';
import { OrdersSqlRepository } from './infrastructure/orders.sql-repository.js';
import { ordersMigration } from './migrations/0001_orders.migration.js';
import { ordersSettings } from './orders.settings.js';
import { idempotencyKeysMigration } from './migrations/0002_idempotency_keys.migration.js';
import { idempotencyOutcomesMigration } from './migrations/0003_idempotency_outcomes.migration.js';

/**
 * Orders: the checkout saga over catalog and payments, with idempotent checkout and recovery. Use
 * cases are resolved afresh per request, so they always call the CATALOG_API/PAYMENTS_API currently
 * registered (local or remote adapter).
 */
export default defineModule({
  name: 'orders',
  settings: ordersSettings,
  contract: ordersContract,
  requires: ['catalog', 'payments'],
  migrations: [outboxMigration, ordersMigration, idempotencyKeysMigration, idempotencyOutcomesMigration],
  routes: ordersRoutes,
  publishes: [ORDER_CONFIRMED, ORDER_CANCELLED, ORDER_PAYMENT_FAILED],
  subscriptions: [],
  register({ container }) {
    container.registerSingleton(ORDERS_REPOSITORY, OrdersSqlRepository);
    container.registerSingleton(IDEMPOTENCY_STORE, IdempotencySqlStore);
    container.registerSingleton(LIVE_CHECKOUTS, LiveCheckouts);
    container.registerSingleton(CHECKOUT_METRICS, OrdersMetrics);
    container.registerSingleton(ORDERS_API, OrdersApiService);
  },
  tasks: (context) => [
    // Finishes checkouts whose driver died or that wait for a retry: at startup, then every second at most.
    {
      name: 'checkout-recovery',
      everyMs: Math.min(1000, context.settings.sagaRecoveryAfterMs),
      run: () => context.container.resolve(RecoverCheckoutsHandler).execute(),
    },
    housekeepingTask(context, [
      outboxSweep(context.db, context.config.outboxRetentionSeconds),
      {
        table: 'idempotency_keys',
        deleteBatch: (limit) => context.container.resolve(IDEMPOTENCY_STORE).purgeExpired(Date.now(), limit),
      },
    ]),
  ],
});
