import { Lifecycle } from 'tsyringe';
import type { BackgroundTask, ModuleContext } from '../../platform/module.js';
import { CancelOrderHandler } from './application/cancel-order.handler.js';
import { CheckoutSaga } from './application/checkout-saga.js';
import { GetOrderHandler } from './application/get-order.handler.js';
import { IdempotentCheckoutHandler } from './application/idempotent-checkout.handler.js';
import { ListOrdersHandler } from './application/list-orders.handler.js';
import { OrdersApiService } from './application/orders-api.js';
import { PlaceOrderHandler } from './application/place-order.handler.js';
import { IDEMPOTENCY_STORE } from './application/ports/idempotency-store.port.js';
import { ORDERS_REPOSITORY } from './application/ports/orders-repository.port.js';
import { LiveCheckouts } from './application/live-checkouts.js';
import {
  LIVE_CHECKOUTS,
  ORDERS_LOGGER,
  SAGA_SETTINGS,
  type SagaSettings,
} from './application/ports/saga-settings.port.js';
import { RecoverCheckoutsHandler } from './application/recover-checkouts.handler.js';
import { ORDERS_API } from './contract/orders.tokens.js';
import { IdempotencySqlStore } from './infrastructure/idempotency.sql-store.js';
import { ORDERS_KNEX, ORDERS_SQL } from './infrastructure/orders-db.tokens.js';
import { OrdersSqlRepository } from './infrastructure/orders.sql-repository.js';
import { runPeriodically } from '../../platform/periodic-task.js';

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
const PURGE_EVERY_MS = 10 * 60_000;

/**
 * Internals of the orders module. Use cases are transient: each request resolves them afresh, so
 * they always call the CATALOG_API/PAYMENTS_API currently registered (local or remote adapter).
 */
export function registerOrders(context: ModuleContext): void {
  const { container, config } = context;
  const settings: SagaSettings = {
    recoveryAfterMs: config.sagaRecoveryAfterMs,
    reservationTtlMs: config.reservationTtlMs,
    idempotencyTtlMs: IDEMPOTENCY_TTL_MS,
  };
  container.register(ORDERS_KNEX, { useValue: context.db.knex });
  container.register(ORDERS_SQL, { useValue: context.db.sql });
  container.register(ORDERS_LOGGER, { useValue: context.logger });
  container.register(SAGA_SETTINGS, { useValue: settings });
  container.register(LIVE_CHECKOUTS, { useValue: new LiveCheckouts(config.reservationTtlMs) });
  container.register(ORDERS_REPOSITORY, { useClass: OrdersSqlRepository }, { lifecycle: Lifecycle.Singleton });
  container.register(IDEMPOTENCY_STORE, { useClass: IdempotencySqlStore }, { lifecycle: Lifecycle.Singleton });
  const useCases: Array<new (...args: never[]) => unknown> = [
    CheckoutSaga,
    PlaceOrderHandler,
    IdempotentCheckoutHandler,
    CancelOrderHandler,
    GetOrderHandler,
    ListOrdersHandler,
    RecoverCheckoutsHandler,
  ];
  for (const useCase of useCases) container.register(useCase as never, { useClass: useCase as never });
  container.register(ORDERS_API, { useClass: OrdersApiService }, { lifecycle: Lifecycle.Singleton });
}

/** The saga recovery (at startup, then every second at most) and the idempotency record purge. */
export async function startOrders(context: ModuleContext): Promise<BackgroundTask[]> {
  const { container, config, logger } = context;
  const recover = () => container.resolve(RecoverCheckoutsHandler).execute();
  const purge = () => container.resolve(IDEMPOTENCY_STORE).purgeExpired(Date.now());
  return [
    runPeriodically('checkout-recovery', Math.min(1000, config.sagaRecoveryAfterMs), recover, logger),
    runPeriodically('idempotency-purge', PURGE_EVERY_MS, purge, logger),
  ];
}
