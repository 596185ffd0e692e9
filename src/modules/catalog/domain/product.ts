/** A product as the catalog keeps it. `stock` is what can still be bought: on hand minus held. */
export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  priceCents: number;
  currency: string;
  stock: number;
  createdAt: string;
  updatedAt: string;
}

export interface NewProduct {
  sku: string;
  name: string;
  description?: string | null;
  priceCents: number;
  currency: string;
  stock: number;
}

export type ProductChanges = Partial<Pick<Product, 'name' | 'description' | 'priceCents'>>;

/**
 * Bounds of what the catalog accepts. Stock and prices stay far below 2^31 so that sums of held
 * and available units, and line totals, never overflow a 32-bit integer column.
 */
export const PRODUCT_LIMITS = {
  skuPattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
  currencyPattern: /^[A-Z]{3}$/,
  nameMaxLength: 200,
  descriptionMaxLength: 2000,
  maxPriceCents: 100_000_000,
  maxStock: 100_000_000,
} as const;
