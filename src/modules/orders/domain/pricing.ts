import { AppError } from '../../../platform/kernel/errors.js';
import { ORDERS_ERRORS } from '../contract/orders.contract.js';
import type { OrderLine } from './order.js';

export interface CartLine {
  productId: string;
  quantity: number;
}

/** What pricing needs to know about a product (a catalog snapshot). */
export interface ProductPrice {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
  stock: number;
}

export interface PricedCart {
  lines: OrderLine[];
  totalCents: number;
  currency: string;
}

/** One line per product, quantities summed, in the order products first appear. */
export function mergeLines(lines: readonly CartLine[]): CartLine[] {
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.productId, (merged.get(line.productId) ?? 0) + line.quantity);
  return [...merged].map(([productId, quantity]) => ({ productId, quantity }));
}

/**
 * Prices a merged cart from catalog snapshots. Fails with `unknown_product` for ids the catalog does
 * not know, `validation_failed` when products are priced in different currencies (one payment has
 * one currency), and `out_of_stock` when a snapshot already shows too little stock (a cheap early
 * answer; the reservation remains the authority).
 */
export function priceCart(cart: readonly CartLine[], products: readonly ProductPrice[]): PricedCart {
  const byId = new Map(products.map((product) => [product.id, product]));
  const unknown = cart.filter((line) => !byId.has(line.productId)).map((line) => line.productId);
  if (unknown.length > 0) {
    throw new AppError(
      ORDERS_ERRORS.unknown_product,
      `Unknown product${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      {
        extra: { productId: unknown[0] },
      },
    );
  }
  const lines = cart.map(({ productId, quantity }) => {
    const product = byId.get(productId)!;
    return {
      productId,
      sku: product.sku,
      name: product.name,
      unitPriceCents: product.priceCents,
      quantity,
      lineTotalCents: product.priceCents * quantity,
    };
  });
  const currency = byId.get(cart[0].productId)!.currency;
  const foreign = cart.filter((line) => byId.get(line.productId)!.currency !== currency);
  if (foreign.length > 0) {
    throw new AppError('validation_failed', `All items of an order must be priced in one currency (${currency})`, {
      errors: foreign.map((line) => ({
        path: 'items',
        message: `${line.productId} is priced in ${byId.get(line.productId)!.currency}, not ${currency}`,
      })),
    });
  }
  const short = cart.filter((line) => byId.get(line.productId)!.stock < line.quantity).map((line) => line.productId);
  if (short.length > 0)
    throw new AppError(ORDERS_ERRORS.out_of_stock, `Not enough stock for: ${short.join(', ')}`, {
      extra: { productId: short[0] },
    });
  return { lines, totalCents: lines.reduce((sum, line) => sum + line.lineTotalCents, 0), currency };
}
