import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { Config } from '../../../platform/kernel/config.js';
import { AppError } from '../../../platform/kernel/errors.js';
import { CONFIG } from '../../../platform/kernel/tokens.js';
import { CATALOG_API, type CatalogApi, type ProductSnapshot } from '../../catalog/contract/catalog.contract.js';
import type { Order } from '../domain/order.js';
import { mergeLines, priceCart, type PricedCart } from '../domain/pricing.js';
import { refused, unavailable, type CheckoutOutcome, type Refused } from './checkout-outcome.js';
import { CheckoutSaga } from './checkout-saga.js';
import { UNKNOWN } from './dependency-outcome.js';
import type { PlaceOrderCommand } from './place-order.command.js';
import type { IdempotencyClaim } from './ports/idempotency-store.port.js';
import { ORDERS_REPOSITORY, type OrdersRepository } from './ports/orders-repository.port.js';
import { LIVE_CHECKOUTS, type LiveCheckouts } from './live-checkouts.js';
import type { SagaRun, SagaStep } from './saga-run.js';

/** The order a checkout would create, or why it cannot exist (nothing was recorded either way). */
export type PricedOrder = { kind: 'priced'; order: Order } | Refused;

/** Another request holds the Idempotency-Key: nothing was recorded. */
export const KEY_TAKEN = Symbol('key taken');

/**
 * The checkout saga, live: price from the catalog → record the order (and claim its idempotency key)
 * → reserve → charge → commit → confirm, each outcome persisted (here or, keyed by the order, by the
 * module that owns it) before the next step, so the recovery can finish whatever a crash interrupts.
 */
@injectable()
export class PlaceOrderHandler {
  constructor(
    @inject(CATALOG_API) private readonly catalog: CatalogApi,
    @inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository,
    @inject(CheckoutSaga) private readonly saga: CheckoutSaga,
    @inject(CONFIG) private readonly config: Config,
    @inject(LIVE_CHECKOUTS) private readonly live: LiveCheckouts,
  ) {}

  async execute(command: PlaceOrderCommand): Promise<CheckoutOutcome> {
    const priced = await this.price(command);
    if (priced.kind === 'refused') return priced;
    return (await this.place(priced.order)).answer;
  }

  /** Prices the cart with the catalog's current prices (the only source of prices). */
  async price(command: PlaceOrderCommand): Promise<PricedOrder> {
    const cart = mergeLines(command.items);
    const products = await this.productsOf(cart.map((line) => line.productId));
    if (products.kind === 'refused') return products;
    try {
      return { kind: 'priced', order: this.newOrder(command, priceCart(cart, products.snapshots)) };
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return refused(error);
      throw error;
    }
  }

  /**
   * Records the order and runs the checkout; with a claim, claims its Idempotency-Key in the same
   * insert, and the step that decides stores the answer with its transition.
   */
  place(order: Order): Promise<SagaStep>;
  place(order: Order, claim: IdempotencyClaim): Promise<SagaStep | typeof KEY_TAKEN>;
  place(order: Order, claim?: IdempotencyClaim): Promise<SagaStep | typeof KEY_TAKEN> {
    return this.live.run(order.id, async () => {
      const run: SagaRun = { order, owner: randomUUID(), key: claim && { userId: claim.userId, key: claim.key } };
      const lease = { owner: run.owner, until: Date.now() + this.config.sagaRecoveryAfterMs };
      if (!(await this.orders.insert(order, lease, claim))) return KEY_TAKEN;
      const refusal = await this.saga.reserve(run);
      if (refusal) return refusal;
      const payment = await this.saga.charge(order);
      if (payment === UNKNOWN) return this.saga.defer(run, { status: 'payment_pending' });
      return this.saga.settle(run, payment, 'payment_declined');
    });
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

  private async productsOf(ids: string[]): Promise<{ kind: 'found'; snapshots: ProductSnapshot[] } | Refused> {
    try {
      return { kind: 'found', snapshots: (await this.catalog.getProducts({ ids })).products };
    } catch (error) {
      if (error instanceof AppError) return refused(error);
      return unavailable('The catalog cannot be reached; nothing was ordered, try again');
    }
  }
}
