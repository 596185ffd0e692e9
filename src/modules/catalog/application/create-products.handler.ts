import { inject, injectable } from 'tsyringe';
import type { NewProduct } from '../domain/product.js';
import { skuTaken } from './create-product.handler.js';
import { newProducts } from './new-products.js';
import { PRODUCTS_REPOSITORY, type ProductsRepository } from './ports/products.repository.port.js';

/** A batch of products, all or nothing (POST /api/v1/products/batch): a catalog loads in large steps. */
@injectable()
export class CreateProductsHandler {
  constructor(@inject(PRODUCTS_REPOSITORY) private readonly products: ProductsRepository) {}

  /** The ids of the new products, in the order given. */
  async execute(inputs: readonly NewProduct[]): Promise<string[]> {
    const seen = new Set<string>();
    for (const { sku } of inputs) {
      if (seen.has(sku)) throw skuTaken(sku, `The sku ${sku} appears more than once in the batch`);
      seen.add(sku);
    }
    const outcome = await this.products.insertAll(newProducts(inputs, new Date()));
    if ('skuTaken' in outcome) throw skuTaken(outcome.skuTaken);
    return outcome.stored.map((product) => product.id);
  }
}
