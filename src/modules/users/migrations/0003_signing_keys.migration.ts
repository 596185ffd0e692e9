import type { Migration } from '../../../platform/kernel/database.js';

/**
 * Access-token signing keys. `slot = 'current'` marks the key that signs; the unique slot makes
 * "create the key on first start" race-free across instances. Retired keys (slot null) would stay
 * published until their last tokens expire.
 */
export const signingKeysMigration: Migration = {
  name: '0003_signing_keys',
  async up(knex) {
    await knex.schema.createTable('signing_keys', (table) => {
      table.string('kid', 64).primary();
      table.string('slot', 16).nullable().unique('signing_keys_slot_unique');
      table.string('algorithm', 16).notNullable();
      table.text('private_jwk').notNullable();
      table.text('public_jwk').notNullable();
      table.string('created_at', 32).notNullable();
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('signing_keys');
  },
};
