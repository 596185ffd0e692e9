import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import { CATALOG_API, type CatalogApi, type ProductSnapshot } from '../../catalog/contract/catalog.contract.js';
import type { Order } from '../domain/order.js';
import { mergeLines, priceCart, type PricedCart } from '../domain/pricing.js';
import { refused, unavailable, type Refused } from './checkout-outcome.js';
import type { PlaceOrderCommand } from './place-order.command.js';

/** The order a checkout would create, or why it cannot exist (nothing was recorded either way). */
export type PricedOrder = { kind: 'priced'; order: Order } | Refused;

/** The first move of every checkout: the order priced with the catalog's current prices (the only source of prices). */
@injectable()
export class OrderPricing {
  constructor(@inject(CATALOG_API) private readonly catalog: CatalogApi) {}

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
