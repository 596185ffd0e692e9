import { Lifecycle } from 'tsyringe';
import { outboxMigration } from '../../platform/events/outbox.js';
import { defineModule } from '../../platform/module.js';
import { ChargePaymentHandler } from './application/charge-payment.handler.js';
import { PaymentsFacade } from './application/payments.facade.js';
import { PAYMENT_PROVIDER } from './application/ports/payment-provider.port.js';
import { PAYMENTS_REPOSITORY } from './application/ports/payments.repository.port.js';
import { RefundPaymentHandler } from './application/refund-payment.handler.js';
import { ViewPaymentHandler } from './application/view-payment.handler.js';
import { PAYMENTS_API } from './contract/payments.tokens.js';
import { PAYMENT_CAPTURED, PAYMENT_REFUNDED } from './contract/payments.events.js';
import { paymentsContract } from './contract/payments.contract.js';
import { paymentsRoutes } from './http/payments.routes.js';
import { PAYMENTS_SQL } from './infrastructure/payments-sql.token.js';
import { PaymentsSqlRepository } from './infrastructure/payments.sql-repository.js';
import { SimulatedCardProvider } from './infrastructure/simulated-card.provider.js';
import { paymentsMigration } from './migrations/0001_payments.migration.js';
import { CHARGE_PAYMENT, REFUND_PAYMENT, VIEW_PAYMENT } from './payments.tokens.js';

// One instance of each per hosted module: the handlers hold the in-flight maps that join concurrent calls.
const singleton = { lifecycle: Lifecycle.ContainerScoped } as const;

/** Payments: a simulated card provider behind the PaymentProvider port, charges and refunds. */
export default defineModule({
  name: 'payments',
  contract: paymentsContract,
  requires: [],
  migrations: [outboxMigration, paymentsMigration],
  routes: paymentsRoutes,
  publishes: [PAYMENT_CAPTURED, PAYMENT_REFUNDED],
  subscriptions: [],
  register({ container, db }) {
    container.register(PAYMENTS_SQL, { useValue: db.sql });
    // Swap this registration for a real provider's adapter; nothing else changes.
    container.register(PAYMENT_PROVIDER, { useValue: new SimulatedCardProvider() });
    container.register(PAYMENTS_REPOSITORY, { useClass: PaymentsSqlRepository }, singleton);
    container.register(CHARGE_PAYMENT, { useClass: ChargePaymentHandler }, singleton);
    container.register(REFUND_PAYMENT, { useClass: RefundPaymentHandler }, singleton);
    container.register(VIEW_PAYMENT, { useClass: ViewPaymentHandler }, singleton);
    container.register(PAYMENTS_API, { useClass: PaymentsFacade }, singleton);
  },
});
