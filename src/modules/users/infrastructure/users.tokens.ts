import type { Knex } from 'knex';
import type { InjectionToken } from 'tsyringe';

/** The module's own knex instance (its SQLite file or its PostgreSQL schema). */
export const USERS_KNEX: InjectionToken<Knex> = Symbol('USERS_KNEX');
