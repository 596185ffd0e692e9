import type { Migration } from '../../../platform/kernel/database.js';

/**
 * Idempotency-Key records, scoped to the user: the primary key (user_id, key) is the unique
 * constraint that lets exactly one of several concurrent requests run. Times are epoch ms.
 */
export const idempotencyKeysMigration: Migration = {
  name: '0002_idempotency_keys',
  async up(knex) {
    await knex.schema.createTable('idempotency_keys', (table) => {
      table.string('user_id', 255).notNullable();
      table.string('key', 255).notNullable();
      table.string('request_hash', 64).notNullable();
      table.string('order_id', 36).notNullable();
      table.string('state', 16).notNullable();
      table.integer('response_status').nullable();
      table.text('response_headers').nullable();
      table.text('response_body').nullable();
      table.bigInteger('created_at').notNullable();
      table.bigInteger('expires_at').notNullable();
      table.primary(['user_id', 'key']);
      table.index(['expires_at'], 'idempotency_keys_expires_idx');
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('idempotency_keys');
  },
};
