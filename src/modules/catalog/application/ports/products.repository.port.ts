import type { Cursor } from '../../../../platform/kernel/pagination.js';
import type { Product, ProductChanges } from '../../domain/product.js';

export interface ProductListQuery {
  /** Rows to fetch (the caller asks for one more than a page to learn whether another exists). */
  take: number;
  /** Start strictly after this position in (createdAt, id) order. */
  after?: Cursor;
  /** Case-insensitive substring of the name or the sku. */
  q?: string;
}

/** Where products live. Stock changes that belong to reservations go through {@link Inventory}. */
export interface ProductsRepository {
  list(query: ProductListQuery): Promise<Product[]>;
  findById(id: string): Promise<Product | undefined>;
  /** Inserts a product; false when its sku is already taken (decided by the unique constraint). */
  insert(product: Product): Promise<boolean>;
  /** Applies changes; undefined when no such product. */
  update(id: string, changes: ProductChanges, updatedAt: string): Promise<Product | undefined>;
  /** Adds units unless the result would exceed `maxStock`; 'not_found' / 'over_limit' otherwise. */
  restock(
    id: string,
    quantity: number,
    maxStock: number,
    updatedAt: string,
  ): Promise<Product | 'not_found' | 'over_limit'>;
  isEmpty(): Promise<boolean>;
  /** Inserts products whose sku is not taken yet (used to seed the demo catalog). */
  insertMissing(products: Product[]): Promise<void>;
}

export const PRODUCTS_REPOSITORY = Symbol('PRODUCTS_REPOSITORY');
