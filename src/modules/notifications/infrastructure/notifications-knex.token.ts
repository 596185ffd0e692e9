import type { Knex } from 'knex';
import type { InjectionToken } from 'tsyringe';

/** The module's own knex (its SQLite file or PostgreSQL schema). */
export const NOTIFICATIONS_KNEX: InjectionToken<Knex> = Symbol('NOTIFICATIONS_KNEX');
