import type { Migration } from '../../../platform/kernel/database.js';

/**
 * One reservation per order (the primary key makes reserve idempotent under concurrency) and the
 * units it took per product. Order ids are text: they come from another module.
 */
export const reservationsMigration: Migration = {
  name: '0002_reservations',
  async up(knex) {
    await knex.schema.createTable('reservations', (table) => {
      table.text('order_id').primary();
      table.string('status', 16).notNullable();
      table.string('expires_at', 32).notNullable();
      table.string('created_at', 32).notNullable();
      table.string('updated_at', 32).notNullable();
      // The sweeper looks for lapsed holds.
      table.index(['status', 'expires_at'], 'reservations_status_expires_idx');
    });
    await knex.schema.createTable('reservation_lines', (table) => {
      table.text('order_id').notNullable().references('order_id').inTable('reservations');
      table.string('product_id', 36).notNullable();
      table.integer('quantity').notNullable();
      table.primary(['order_id', 'product_id']);
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('reservation_lines');
    await knex.schema.dropTableIfExists('reservations');
  },
};
