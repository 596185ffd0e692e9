import { inject, injectable } from 'tsyringe';
import { decodeCursor, toPage, type Page } from '../../../platform/kernel/pagination.js';
import type { Product } from '../domain/product.js';
import { productSearchOf } from '../domain/product-search.js';
import { PRODUCTS_REPOSITORY, type ProductsRepository } from './ports/products.repository.port.js';

export interface ListProductsQuery {
  limit: number;
  cursor?: string;
  q?: string;
}

/** The public catalog, oldest first (a stable order that new products cannot reshuffle), optionally searched. */
@injectable()
export class ListProductsHandler {
  constructor(@inject(PRODUCTS_REPOSITORY) private readonly products: ProductsRepository) {}

  async execute({ limit, cursor, q }: ListProductsQuery): Promise<Page<Product>> {
    const after = decodeCursor(cursor);
    const search = q ? productSearchOf(q) : undefined;
    if (search?.kind === 'nothing') return { items: [], nextCursor: null };
    const rows = await this.products.list({ take: limit + 1, after, search });
    return toPage(
      rows,
      limit,
      (product) => ({ key: product.createdAt, id: product.id }),
      (product) => product,
    );
  }
}
