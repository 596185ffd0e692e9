import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import { PRODUCT_LIMITS, type Product } from '../domain/product.js';
import { PRODUCTS_REPOSITORY, type ProductsRepository } from './ports/products.repository.port.js';

@injectable()
export class RestockProductHandler {
  constructor(@inject(PRODUCTS_REPOSITORY) private readonly products: ProductsRepository) {}

  async execute(id: string, quantity: number): Promise<Product> {
    const result = await this.products.restock(id, quantity, PRODUCT_LIMITS.maxStock, new Date().toISOString());
    if (result === 'not_found') throw new AppError('not_found', `Product ${id} does not exist`);
    if (result === 'over_limit') {
      throw new AppError('validation_failed', `Stock may not exceed ${PRODUCT_LIMITS.maxStock} units`, {
        errors: [{ path: 'quantity', message: `the resulting stock would exceed ${PRODUCT_LIMITS.maxStock}` }],
      });
    }
    return result;
  }
}
