import { instanceCachingFactory } from 'tsyringe';
import { housekeepingTask } from '../../platform/db/housekeeping.js';
import { outboxSweep } from '../../platform/events/outbox-housekeeping.js';
import { outboxMigration } from '../../platform/events/outbox.js';
import { defineModule } from '../../platform/kernel/module.js';
import { METRICS_REGISTRY } from '../../platform/kernel/tokens.js';
import { IN_FLIGHT_PAYMENTS, InFlightPayments } from './application/in-flight-payments.js';
import { PaymentsApiService } from './application/payments-api.service.js';
import { PAYMENT_PROVIDER } from './application/ports/payment-provider.port.js';
import { PAYMENTS_REPOSITORY } from './application/ports/payments.repository.port.js';
import { PAYMENTS_API, paymentsContract } from './contract/payments.contract.js';
import { PAYMENT_CAPTURED, PAYMENT_REFUNDED } from './contract/payments.events.js';
import { paymentsRoutes } from './http/payments.routes.js';
import { PaymentsSqlRepository } from './infrastructure/payments.sql-repository.js';
import { MeteredPaymentProvider } from './infrastructure/metered-payment-provider.js';
import { SimulatedCardProvider } from './infrastructure/simulated-card.provider.js';
import { paymentsMigration } from './migrations/0001_payments.migration.js';
import { chargeClaimsMigration } from './migrations/0002_charge_claims.migration.js';

/** Payments: a simulated card provider behind the PaymentProvider port, charges and refunds. */
export default defineModule({
  name: 'payments',
  contract: paymentsContract,
  requires: [],
  migrations: [outboxMigration, paymentsMigration, chargeClaimsMigration],
  routes: paymentsRoutes,
  publishes: [PAYMENT_CAPTURED, PAYMENT_REFUNDED],
  subscriptions: [],
  register({ container }) {
    // Swap the simulated provider for a real provider's adapter; nothing else changes.
    container.register(PAYMENT_PROVIDER, {
      useFactory: instanceCachingFactory(
        (own) => new MeteredPaymentProvider(new SimulatedCardProvider(), own.resolve(METRICS_REGISTRY)),
      ),
    });
    container.registerSingleton(PAYMENTS_REPOSITORY, PaymentsSqlRepository);
    // The refunds in flight, shared by every call so that concurrent ones join.
    container.registerSingleton(IN_FLIGHT_PAYMENTS, InFlightPayments);
    container.registerSingleton(PAYMENTS_API, PaymentsApiService);
  },
  tasks: (context) => [
    housekeepingTask(context, [
      outboxSweep(context.db, context.config.outboxRetentionSeconds),
      {
        table: 'charge_claims',
        deleteBatch: (limit) => context.container.resolve(PAYMENTS_REPOSITORY).purgeExpiredClaims(Date.now(), limit),
      },
    ]),
  ],
});
