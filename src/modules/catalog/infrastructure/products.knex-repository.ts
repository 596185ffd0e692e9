import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import { KNEX, SQL_RUNNER } from '../../../platform/db/db.tokens.js';
import { dialectOf } from '../../../platform/db/dialect.js';
import type { Dialect, SqlRunner } from '../../../platform/kernel/database.js';
import type { Product, ProductChanges } from '../domain/product.js';
import type {
  InsertOutcome,
  ProductListQuery,
  ProductsRepository,
} from '../application/ports/products.repository.port.js';
import { insertProducts } from './product-inserts.js';
import { productListQuery } from './product-list.query.js';
import { PRODUCT_COLUMNS, toProduct, type ProductRow } from './product-row.js';
import { searchPostgres } from './product-search.postgres.js';
import { searchSqlite } from './product-search.sqlite.js';

@injectable()
export class ProductsKnexRepository implements ProductsRepository {
  private readonly dialect: Dialect;

  constructor(
    @inject(KNEX) private readonly knex: Knex,
    @inject(SQL_RUNNER) private readonly sql: SqlRunner,
  ) {
    this.dialect = dialectOf(knex);
  }

  async list({ take, after, search }: ProductListQuery): Promise<Product[]> {
    if (search)
      return this.dialect === 'sqlite'
        ? searchSqlite(this.sql, search, after, take)
        : searchPostgres(this.knex, search, after, take);
    return ((await productListQuery(this.knex, take, after)) as ProductRow[]).map(toProduct);
  }

  async findById(id: string): Promise<Product | undefined> {
    const row = (await this.knex('products').where('id', id).first(PRODUCT_COLUMNS)) as ProductRow | undefined;
    return row && toProduct(row);
  }

  insertAll(products: Product[]): Promise<InsertOutcome> {
    return insertProducts(this.sql, this.dialect, products);
  }

  async insertMissing(products: Product[]): Promise<void> {
    if (products.length > 0) await insertProducts(this.sql, this.dialect, products, { skipTaken: true });
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
}
