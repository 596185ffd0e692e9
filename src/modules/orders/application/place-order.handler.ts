import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { ORDERS_SETTINGS, type OrdersSettings } from '../orders.settings.js';
import type { CheckoutOutcome } from './checkout-outcome.js';
import { CheckoutSaga } from './checkout-saga.js';
import { LIVE_CHECKOUTS, type LiveCheckouts } from './live-checkouts.js';
import { OrderPricing } from './order-pricing.js';
import type { PlaceOrderCommand } from './place-order.command.js';
import { ORDERS_REPOSITORY, type OrdersRepository } from './ports/orders-repository.port.js';

/**
 * The checkout saga, live: price from the catalog → record the order → reserve → charge → commit →
 * confirm, each outcome persisted (here or, keyed by the order, by the module that owns it) before
 * the next step, so the recovery can finish whatever a crash interrupts. Under an Idempotency-Key
 * the same happens inside IdempotentCheckoutHandler.
 */
@injectable()
export class PlaceOrderHandler {
  constructor(
    @inject(OrderPricing) private readonly pricing: OrderPricing,
    @inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository,
    @inject(CheckoutSaga) private readonly saga: CheckoutSaga,
    @inject(ORDERS_SETTINGS) private readonly config: OrdersSettings,
    @inject(LIVE_CHECKOUTS) private readonly live: LiveCheckouts,
  ) {}

  async execute(command: PlaceOrderCommand): Promise<CheckoutOutcome> {
    const priced = await this.pricing.price(command);
    if (priced.kind === 'refused') return priced;
    const { order } = priced;
    return this.live.run(order.id, async () => {
      const run = { order, owner: randomUUID() };
      await this.orders.insert(order, { owner: run.owner, until: Date.now() + this.config.sagaRecoveryAfterMs });
      return (await this.saga.checkout(run)).answer;
    });
  }
}
