import type { Knex } from 'knex';
import type { Dialect } from '../kernel/database.js';

/** The dialect of a module's knex: migrations are handed only the knex, and a few steps differ per database. */
export const dialectOf = (knex: Knex): Dialect => (knex.client.config.client === 'pg' ? 'postgres' : 'sqlite');
