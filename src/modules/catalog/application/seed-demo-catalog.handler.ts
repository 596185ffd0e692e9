import { inject, injectable } from 'tsyringe';
import type { Product } from '../domain/product.js';
import { DEMO_CATALOG } from './demo-catalog.js';
import { newProducts } from './new-products.js';
import { PRODUCTS_REPOSITORY, type ProductsRepository } from './ports/products.repository.port.js';

/** Seeds the demo catalog into an empty database; a catalog with anything in it is left alone. */
@injectable()
export class SeedDemoCatalogHandler {
  constructor(@inject(PRODUCTS_REPOSITORY) private readonly products: ProductsRepository) {}

  /** Returns how many products it offered to insert (0 when the catalog was not empty). */
  async execute(): Promise<number> {
    if (!(await this.products.isEmpty())) return 0;
    const start = Date.now();
    // One millisecond apart, so the list shows them in the order written above.
    const products: Product[] = DEMO_CATALOG.map(
      (product, index) => newProducts([product], new Date(start + index))[0],
    );
    await this.products.insertMissing(products);
    return products.length;
  }
}
