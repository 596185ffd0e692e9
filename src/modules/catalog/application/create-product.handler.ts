import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import type { NewProduct, Product } from '../domain/product.js';
import { PRODUCTS_REPOSITORY, type ProductsRepository } from './ports/products.repository.port.js';

@injectable()
export class CreateProductHandler {
  constructor(@inject(PRODUCTS_REPOSITORY) private readonly products: ProductsRepository) {}

  async execute(input: NewProduct): Promise<Product> {
    const now = new Date().toISOString();
    const product: Product = {
      id: randomUUID(),
      ...input,
      description: input.description ?? null,
      createdAt: now,
      updatedAt: now,
    };
    // The unique constraint decides, so two concurrent creates of one sku cannot both succeed.
    if (!(await this.products.insert(product)))
      throw new AppError('sku_taken', `A product with sku ${input.sku} already exists`);
    return product;
  }
}
