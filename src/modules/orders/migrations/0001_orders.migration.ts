import type { Migration } from '../../../platform/kernel/database.js';

/**
 * Orders with their saga state. Lines are an immutable price snapshot, stored as JSON with the
 * order (one row per checkout, no join on the hot path). `lease_owner`/`lease_until` (epoch ms) say
 * who drives an unfinished order until when; the recovery claims it once the lease has run out.
 */
export const ordersMigration: Migration = {
  name: '0001_orders',
  async up(knex) {
    await knex.schema.createTable('orders', (table) => {
      table.string('id', 36).primary();
      table.string('user_id', 255).notNullable();
      table.string('status', 20).notNullable();
      table.text('items').notNullable();
      table.bigInteger('total_cents').notNullable();
      table.string('currency', 3).notNullable();
      table.string('payment_id', 255).nullable();
      table.string('payment_token', 255).nullable();
      table.string('failure_code', 64).nullable();
      table.integer('attempts').notNullable().defaultTo(0);
      table.string('lease_owner', 36).nullable();
      table.bigInteger('lease_until').notNullable();
      table.string('created_at', 32).notNullable();
      table.string('updated_at', 32).notNullable();
      table.index(['user_id', 'created_at', 'id'], 'orders_user_created_idx');
      table.index(['status', 'lease_until'], 'orders_saga_due_idx');
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('orders');
  },
};
