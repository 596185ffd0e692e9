import type { Migration } from '../../../platform/kernel/database.js';

/** Accounts. The unique email is what makes registration race-free (no check-then-insert). */
export const usersMigration: Migration = {
  name: '0001_users',
  async up(knex) {
    await knex.schema.createTable('users', (table) => {
      table.string('id', 36).primary();
      table.string('email', 254).notNullable().unique('users_email_unique');
      table.string('name', 100).notNullable();
      table.string('role', 16).notNullable();
      table.text('password_hash').notNullable();
      table.string('created_at', 32).notNullable();
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('users');
  },
};
