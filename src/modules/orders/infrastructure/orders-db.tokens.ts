import type { Knex } from 'knex';
import type { InjectionToken } from 'tsyringe';
import type { SqlRunner } from '../../../platform/db/sql-runner.js';

/** The orders module's own knex (its SQLite file or PostgreSQL schema), for queries off the hot path. */
export const ORDERS_KNEX: InjectionToken<Knex> = Symbol('ORDERS_KNEX');

/** Prepared statements on the same pool, for the checkout hot path. */
export const ORDERS_SQL: InjectionToken<SqlRunner> = Symbol('ORDERS_SQL');
