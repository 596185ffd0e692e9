import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import type { Product, ProductChanges } from '../domain/product.js';
import type { ProductListQuery, ProductsRepository } from '../application/ports/products.repository.port.js';
import { KNEX } from '../../../platform/db/db.tokens.js';
import { isUniqueViolation } from '../../../platform/db/unique-violation.js';
import { containsPattern, PRODUCT_COLUMNS, toProduct, toRow, type ProductRow } from './product-row.js';

@injectable()
export class ProductsKnexRepository implements ProductsRepository {
  constructor(@inject(KNEX) private readonly knex: Knex) {}

  async list({ take, after, q }: ProductListQuery): Promise<Product[]> {
    const query = this.knex('products')
      .select(PRODUCT_COLUMNS)
      .orderBy([{ column: 'created_at' }, { column: 'id' }])
      .limit(take);
    if (after) {
      query.where((where) =>
        where
          .where('created_at', '>', after.key)
          .orWhere((tie) => tie.where('created_at', after.key).andWhere('id', '>', after.id)),
      );
    }
    if (q) {
      const pattern = containsPattern(q);
      // lower() on both sides: SQLite's LIKE and PostgreSQL's differ in case sensitivity.
      query.where((where) =>
        where
          .whereRaw("lower(name) like ? escape '\\'", [pattern])
          .orWhereRaw("lower(sku) like ? escape '\\'", [pattern]),
      );
    }
    return ((await query) as ProductRow[]).map(toProduct);
  }

  async findById(id: string): Promise<Product | undefined> {
    const row = (await this.knex('products').where('id', id).first(PRODUCT_COLUMNS)) as ProductRow | undefined;
    return row && toProduct(row);
  }

  async insert(product: Product): Promise<boolean> {
    try {
      await this.knex('products').insert(toRow(product));
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  async update(id: string, changes: ProductChanges, updatedAt: string): Promise<Product | undefined> {
    const values: Partial<ProductRow> = { updated_at: updatedAt };
    if (changes.name !== undefined) values.name = changes.name;
    if (changes.description !== undefined) values.description = changes.description;
    if (changes.priceCents !== undefined) values.price_cents = changes.priceCents;
    const [row] = (await this.knex('products')
      .where('id', id)
      .update(values)
      .returning(PRODUCT_COLUMNS)) as ProductRow[];
    return row && toProduct(row);
  }

  async restock(
    id: string,
    quantity: number,
    maxStock: number,
    updatedAt: string,
  ): Promise<Product | 'not_found' | 'over_limit'> {
    const [row] = (await this.knex('products')
      .where('id', id)
      .andWhere('stock', '<=', maxStock - quantity)
      .update({ stock: this.knex.raw('stock + ?', [quantity]), updated_at: updatedAt })
      .returning(PRODUCT_COLUMNS)) as ProductRow[];
    if (row) return toProduct(row);
    return (await this.findById(id)) ? 'over_limit' : 'not_found';
  }

  async isEmpty(): Promise<boolean> {
    return (await this.knex('products').first('id')) === undefined;
  }

  async insertMissing(products: Product[]): Promise<void> {
    if (products.length > 0) await this.knex('products').insert(products.map(toRow)).onConflict('sku').ignore();
  }
}
