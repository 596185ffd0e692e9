import { expect } from 'vitest';
import type { ApiResponse } from '../support/http.js';
import type { TestShop } from '../support/shop.js';

let skuSequence = 0;

/** Creates a product through the admin API; resolves its id. */
export async function createProduct(
  shop: TestShop,
  adminToken: string,
  overrides: { stock?: number; priceCents?: number; currency?: string } = {},
): Promise<string> {
  const sku = `ORD-${process.pid}-${++skuSequence}-${Date.now()}`;
  const response = await shop.request('POST', '/api/v1/products', {
    token: adminToken,
    body: {
      sku,
      name: `Product ${sku}`,
      priceCents: overrides.priceCents ?? 1250,
      currency: overrides.currency ?? 'USD',
      stock: overrides.stock ?? 10,
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body.id as string;
}

/** Available stock as the public API shows it. */
export async function stockOf(shop: TestShop, productId: string): Promise<number> {
  const response = await shop.request('GET', `/api/v1/products/${productId}`);
  expect(response.status).toBe(200);
  return response.body.stock as number;
}

export interface Line {
  productId: string;
  quantity: number;
}

export const checkout = (
  shop: TestShop,
  token: string,
  items: Line[],
  options: { key?: string; paymentToken?: string } = {},
): Promise<ApiResponse> =>
  shop.request('POST', '/api/v1/orders', {
    token,
    body: { items, paymentMethod: { token: options.paymentToken ?? 'tok_visa' } },
    headers: options.key === undefined ? {} : { 'idempotency-key': options.key },
  });

export const countBy = <T>(values: T[]): Map<T, number> => {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
};

/**
 * An implementation of a contract that calls `real` for every operation except the overridden ones
 * (fault injection through DI: register it under the contract's token in the host's container).
 */
export function delegate<T extends object>(real: T, operations: Record<string, unknown>, overrides: Partial<T>): T {
  const api: Record<string, unknown> = {};
  for (const name of Object.keys(operations)) {
    api[name] =
      (overrides as Record<string, unknown>)[name] ??
      ((input: unknown) => (real as Record<string, (input: unknown) => unknown>)[name](input));
  }
  return api as T;
}
