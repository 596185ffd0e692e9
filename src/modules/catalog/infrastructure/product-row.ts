import type { Product } from '../domain/product.js';

export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  price_cents: number;
  currency: string;
  stock: number;
  created_at: string;
  updated_at: string;
}

export const PRODUCT_COLUMNS = [
  'id',
  'sku',
  'name',
  'description',
  'price_cents',
  'currency',
  'stock',
  'created_at',
  'updated_at',
];

export const toProduct = (row: ProductRow): Product => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  description: row.description,
  priceCents: row.price_cents,
  currency: row.currency,
  stock: row.stock,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export const toRow = (product: Product): ProductRow => ({
  id: product.id,
  sku: product.sku,
  name: product.name,
  description: product.description,
  price_cents: product.priceCents,
  currency: product.currency,
  stock: product.stock,
  created_at: product.createdAt,
  updated_at: product.updatedAt,
});
