import type { Cursor } from '../../../../platform/kernel/pagination.js';
import type { Product, ProductChanges } from '../../domain/product.js';
import type { ProductSearch } from '../../domain/product-search.js';

export interface ProductListQuery {
  /** Rows to fetch (the caller asks for one more than a page to learn whether another exists). */
  take: number;
  /** Start strictly after this position in (createdAt, id) order. */
  after?: Cursor;
  /** Only the products this search matches (a search that matches nothing never gets here). */
  search?: Exclude<ProductSearch, { kind: 'nothing' }>;
}

/** Every product stored (in the order given), or none because a sku is taken (the first one found). */
export type InsertOutcome = { stored: Product[] } | { skuTaken: string };

/** Where products live. Stock changes that belong to reservations go through {@link Inventory}. */
export interface ProductsRepository {
  list(query: ProductListQuery): Promise<Product[]>;
  findById(id: string): Promise<Product | undefined>;
  /**
   * Inserts all products in one transaction, or none when a sku is already taken (the unique
   * constraint decides between concurrent inserts). A store may move `createdAt` (and an equal
   * `updatedAt`) forward by a few milliseconds to keep the list order its insertion order; the
   * stored products say what was kept.
   */
  insertAll(products: Product[]): Promise<InsertOutcome>;
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
