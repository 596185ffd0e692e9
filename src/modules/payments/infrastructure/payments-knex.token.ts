import type { Knex } from 'knex';
import type { InjectionToken } from 'tsyringe';

/** The payments module's own knex (its SQLite file or PostgreSQL schema). */
export const PAYMENTS_KNEX: InjectionToken<Knex> = Symbol('PAYMENTS_KNEX');
