import type { Knex } from 'knex';
import type { InjectionToken } from 'tsyringe';
import type { SqlRunner } from '../../../platform/db/sql-runner.js';

/** The module's own knex (its SQLite file or PostgreSQL schema), for queries off the hot path. */
export const NOTIFICATIONS_KNEX: InjectionToken<Knex> = Symbol('NOTIFICATIONS_KNEX');

/** Prepared statements on the same pool: a notification is recorded and sent after every checkout. */
export const NOTIFICATIONS_SQL: InjectionToken<SqlRunner> = Symbol('NOTIFICATIONS_SQL');
