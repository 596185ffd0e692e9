import type { Knex } from 'knex';
import type { InjectionToken } from 'tsyringe';
import type { SqlRunner } from '../kernel/database.js';

/** The module's own knex (its SQLite file or PostgreSQL schema and role), registered by the host. */
export const KNEX: InjectionToken<Knex> = Symbol('KNEX');
/** The module's raw-SQL runner over the same connection, for the statements knex cannot express. */
export const SQL_RUNNER: InjectionToken<SqlRunner> = Symbol('SQL_RUNNER');
