import type { Knex } from 'knex';
import type { InjectionToken } from 'tsyringe';
import type { SqlRunner } from '../../../platform/db/sql-runner.js';

/** The module's own knex instance (its SQLite file or its PostgreSQL schema). */
export const USERS_KNEX: InjectionToken<Knex> = Symbol('USERS_KNEX');

/** Prepared statements on the same pool: other modules look a user up for every notification. */
export const USERS_SQL: InjectionToken<SqlRunner> = Symbol('USERS_SQL');
