import type { Migration } from '../../../platform/kernel/database.js';

/**
 * One row per charge attempt. The unique idempotency key is what makes `charge` safe to call twice
 * (or twenty times at once); timestamps are ISO text so SQLite and PostgreSQL compare them alike.
 */
export const paymentsMigration: Migration = {
  name: '0001_payments',
  async up(knex) {
    await knex.schema.createTable('payments', (table) => {
      table.string('id', 36).primary();
      table.string('idempotency_key', 300).notNullable().unique('payments_idempotency_key_unique');
      table.string('order_id', 255).notNullable();
      table.string('user_id', 255).notNullable();
      table.bigInteger('amount_cents').notNullable();
      table.string('currency', 3).notNullable();
      table.string('status', 16).notNullable();
      table.string('provider_reference', 255).notNullable();
      table.string('decline_reason', 255).nullable();
      table.string('created_at', 32).notNullable();
      table.string('updated_at', 32).notNullable();
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('payments');
  },
};
