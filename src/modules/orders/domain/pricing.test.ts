import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/kernel/errors.js';
import { mergeLines, priceCart, type ProductPrice } from './pricing.js';

const product = (id: string, overrides: Partial<ProductPrice> = {}): ProductPrice => ({
  id,
  sku: `SKU-${id}`,
  name: `Product ${id}`,
  priceCents: 250,
  currency: 'USD',
  stock: 10,
  ...overrides,
});
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as AppError).code;
  }
  return undefined;
};

describe('pricing', () => {
  it('merges duplicate lines, keeping the order products first appear in', () => {
    expect(
      mergeLines([
        { productId: 'b', quantity: 1 },
        { productId: 'a', quantity: 2 },
        { productId: 'b', quantity: 3 },
      ]),
    ).toEqual([
      { productId: 'b', quantity: 4 },
      { productId: 'a', quantity: 2 },
    ]);
  });

  it('prices lines from the catalog snapshot and sums the total', () => {
    const priced = priceCart(
      [
        { productId: 'a', quantity: 3 },
        { productId: 'b', quantity: 1 },
      ],
      [product('a', { priceCents: 1999 }), product('b', { priceCents: 1 })],
    );
    expect(priced).toEqual({
      lines: [
        { productId: 'a', sku: 'SKU-a', name: 'Product a', unitPriceCents: 1999, quantity: 3, lineTotalCents: 5997 },
        { productId: 'b', sku: 'SKU-b', name: 'Product b', unitPriceCents: 1, quantity: 1, lineTotalCents: 1 },
      ],
      totalCents: 5998,
      currency: 'USD',
    });
  });

  it('refuses unknown products (422), mixed currencies (400) and visibly missing stock (409)', () => {
    expect(codeOf(() => priceCart([{ productId: 'x', quantity: 1 }], [product('a')]))).toBe('unknown_product');
    expect(
      codeOf(() =>
        priceCart(
          [
            { productId: 'a', quantity: 1 },
            { productId: 'b', quantity: 1 },
          ],
          [product('a'), product('b', { currency: 'EUR' })],
        ),
      ),
    ).toBe('validation_failed');
    expect(codeOf(() => priceCart([{ productId: 'a', quantity: 11 }], [product('a')]))).toBe('out_of_stock');
    expect(codeOf(() => priceCart([{ productId: 'a', quantity: 10 }], [product('a')]))).toBeUndefined();
  });
});
