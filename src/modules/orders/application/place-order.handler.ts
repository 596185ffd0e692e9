import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/errors.js';
import type { CatalogApi, ProductSnapshot } from '../../catalog/contract/catalog.api.js';
import { CATALOG_API } from '../../catalog/contract/catalog.tokens.js';
import type { Order } from '../domain/order.js';
import { mergeLines, priceCart, type PricedCart } from '../domain/pricing.js';
import { CheckoutSaga } from './checkout-saga.js';
import type { IdempotencyTicket } from './idempotency-ticket.js';
import type { PlaceOrderCommand } from './place-order.command.js';
import { ORDERS_REPOSITORY, type OrdersRepository } from './ports/orders-repository.port.js';
import { LIVE_CHECKOUTS, SAGA_SETTINGS, type SagaSettings } from './ports/saga-settings.port.js';
import type { LiveCheckouts } from './live-checkouts.js';

/**
 * What a checkout request ended with: the order in the state the request leaves it (`confirmed`,
 * `payment_failed`, or unfinished and continued in the background), a refusal (4xx) given before
 * or at the reservation, or — for a keyed checkout — the key already taken by another request.
 */
export type CheckoutOutcome =
  { kind: 'placed'; order: Order } | { kind: 'refused'; error: AppError } | { kind: 'key_taken' };

/**
 * The checkout saga, live: price from the catalog → record the order (and claim its idempotency key)
 * → reserve → charge → commit → confirm, each outcome persisted (here or, keyed by the order, by the
 * module that owns it) before the next step, so the recovery can finish whatever a crash interrupts.
 * Dependencies that cannot be reached before anything is held surface as 503 (thrown).
 */
@injectable()
export class PlaceOrderHandler {
  constructor(
    @inject(CATALOG_API) private readonly catalog: CatalogApi,
    @inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository,
    @inject(CheckoutSaga) private readonly saga: CheckoutSaga,
    @inject(SAGA_SETTINGS) private readonly settings: SagaSettings,
    @inject(LIVE_CHECKOUTS) private readonly live: LiveCheckouts,
  ) {}

  async execute(command: PlaceOrderCommand, ticket?: IdempotencyTicket): Promise<CheckoutOutcome> {
    const cart = mergeLines(command.items);
    let priced: PricedCart;
    try {
      priced = priceCart(cart, await this.productsOf(cart.map((line) => line.productId)));
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return { kind: 'refused', error };
      throw error;
    }
    const order = this.newOrder(command, priced);
    return this.live.run(order.id, () => this.run(order, ticket));
  }

  private async run(order: Order, ticket: IdempotencyTicket | undefined): Promise<CheckoutOutcome> {
    const owner = randomUUID();
    if (!(await this.orders.insert(order, { owner, until: Date.now() + this.settings.recoveryAfterMs }, ticket?.claim)))
      return { kind: 'key_taken' };
    if (ticket) ticket.claimed = true;
    try {
      await this.saga.reserve(order, owner);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return { kind: 'refused', error };
      throw error;
    }
    const payment = await this.saga.charge(order);
    if (!payment) return { kind: 'placed', order: await this.saga.defer(order, owner, 'payment_pending', ticket) };
    return { kind: 'placed', order: await this.saga.settle(order, owner, payment, 'payment_declined', ticket) };
  }

  private newOrder(command: PlaceOrderCommand, priced: PricedCart): Order {
    const now = new Date().toISOString();
    return {
      id: command.orderId ?? randomUUID(),
      userId: command.userId,
      status: 'pending',
      ...priced,
      paymentId: null,
      paymentToken: command.paymentToken,
      failureCode: null,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    };
  }

  private async productsOf(ids: string[]): Promise<ProductSnapshot[]> {
    try {
      return (await this.catalog.getProducts({ ids })).products;
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('service_unavailable', 'The catalog cannot be reached; nothing was ordered, try again', {
        headers: { 'Retry-After': '1' },
      });
    }
  }
}
