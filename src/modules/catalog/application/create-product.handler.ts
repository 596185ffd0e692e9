import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import { CATALOG_ERRORS } from '../contract/catalog.contract.js';
import type { NewProduct, Product } from '../domain/product.js';
import { newProducts } from './new-products.js';
import { PRODUCTS_REPOSITORY, type ProductsRepository } from './ports/products.repository.port.js';

@injectable()
export class CreateProductHandler {
  constructor(@inject(PRODUCTS_REPOSITORY) private readonly products: ProductsRepository) {}

  async execute(input: NewProduct): Promise<Product> {
    // The unique constraint decides, so two concurrent creates of one sku cannot both succeed.
    const outcome = await this.products.insertAll(newProducts([input], new Date()));
    if ('skuTaken' in outcome) throw skuTaken(outcome.skuTaken);
    return outcome.stored[0];
  }
}

export const skuTaken = (sku: string, detail = `A product with sku ${sku} already exists`): AppError =>
  new AppError(CATALOG_ERRORS.sku_taken, detail, { extra: { sku } });
