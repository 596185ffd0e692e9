import type { Migration } from '../../../platform/kernel/database.js';

/** Products; `stock` is the available quantity (on hand minus held), never negative. */
export const productsMigration: Migration = {
  name: '0001_products',
  async up(knex) {
    await knex.schema.createTable('products', (table) => {
      table.string('id', 36).primary();
      table.string('sku', 64).notNullable().unique('products_sku_unique');
      table.string('name', 200).notNullable();
      table.text('description').nullable();
      table.integer('price_cents').notNullable();
      table.string('currency', 3).notNullable();
      table.integer('stock').notNullable();
      table.string('created_at', 32).notNullable();
      table.string('updated_at', 32).notNullable();
      // Keyset pagination walks (created_at, id).
      table.index(['created_at', 'id'], 'products_created_at_id_idx');
      // The last line of defence: the conditional updates already keep stock from going negative.
      table.check('?? >= 0', ['stock'], 'products_stock_nonnegative');
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('products');
  },
};
