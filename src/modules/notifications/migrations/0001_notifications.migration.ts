import type { Migration } from '../../../platform/kernel/database.js';

/**
 * One row per notification. (event_id, template) is unique: a second guard, behind the inbox, against
 * two notifications for one event. `next_attempt_at` is set while a delivery is owed (pending, or
 * failed with a retry scheduled) and null once sent or given up, so the retry scan reads one index.
 */
export const notificationsMigration: Migration = {
  name: '0001_notifications',
  async up(knex) {
    await knex.schema.createTable('notifications', (table) => {
      table.string('id', 36).primary();
      table.string('event_id', 64).notNullable();
      table.string('user_id', 255).notNullable();
      table.string('channel', 16).notNullable();
      table.string('template', 32).notNullable();
      table.string('recipient', 320).notNullable();
      table.text('subject').notNullable();
      table.text('body').notNullable();
      table.string('order_id', 255).nullable();
      table.string('status', 16).notNullable();
      table.integer('attempts').notNullable().defaultTo(0);
      table.text('last_error').nullable();
      table.string('next_attempt_at', 32).nullable();
      table.string('created_at', 32).notNullable();
      table.string('updated_at', 32).notNullable();
      table.string('sent_at', 32).nullable();
      table.unique(['event_id', 'template'], { indexName: 'notifications_event_template_unique' });
      table.index(['user_id', 'created_at', 'id'], 'notifications_user_created_idx');
      table.index(['next_attempt_at'], 'notifications_next_attempt_idx');
    });
  },
  async down(knex) {
    await knex.schema.dropTableIfExists('notifications');
  },
};
