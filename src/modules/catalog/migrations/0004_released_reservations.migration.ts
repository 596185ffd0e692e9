import type { Migration } from '../../../platform/kernel/database.js';

/** Housekeeping finds released reservations by when they were released. */
export const releasedReservationsMigration: Migration = {
  name: '0004_released_reservations',
  async up(knex) {
    await knex.schema.alterTable('reservations', (table) =>
      table.index(['status', 'updated_at'], 'reservations_status_updated_idx'),
    );
  },
  async down(knex) {
    await knex.schema.alterTable('reservations', (table) =>
      table.dropIndex(['status', 'updated_at'], 'reservations_status_updated_idx'),
    );
  },
};
