import type { Migration } from '../../../platform/kernel/database.js';

/** Login attempts per (email, address) in fixed windows; shared by every instance of the module. */
export const loginFailuresMigration: Migration = {
  name: '0002_login_failures',
  async up(knex) {
    await knex.schema.createTable('login_failures', (table) => {
      table.string('email', 254).notNullable();
      table.string('ip', 64).notNullable();
      table.string('window_start', 32).notNullable();
      table.integer('failures').notNullable();
      table.primary(['email', 'ip']);
      table.index(['window_start'], 'login_failures_window_idx');
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('login_failures');
  },
};
