import type { Migration } from '../../../platform/kernel/database.js';
import { outboxMigration } from '../../../platform/events/outbox.js';
import { usersMigration } from './0001_users.migration.js';
import { loginFailuresMigration } from './0002_login_failures.migration.js';
import { signingKeysMigration } from './0003_signing_keys.migration.js';

/** The users module's schema, in order (the platform's outbox table first). */
export const usersMigrations: Migration[] = [
  outboxMigration,
  usersMigration,
  loginFailuresMigration,
  signingKeysMigration,
];
