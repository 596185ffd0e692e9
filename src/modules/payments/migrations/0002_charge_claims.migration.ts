import type { Migration } from '../../../platform/kernel/database.js';

/**
 * One row per charge that is at the provider right now: the key, the instance's claim on it and
 * until when the others take that claim's word for it (epoch ms). A replay arriving meanwhile, on
 * any instance, answers "in progress" instead of calling the provider a second time. Rows are
 * deleted with the charge's outcome, so the table holds only the charges in flight.
 */
export const chargeClaimsMigration: Migration = {
  name: '0002_charge_claims',
  async up(knex) {
    await knex.schema.createTable('charge_claims', (table) => {
      table.string('idempotency_key', 300).primary();
      table.string('owner', 36).notNullable();
      table.bigInteger('lease_until').notNullable();
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('charge_claims');
  },
};
