import type { Knex } from 'knex';
import type { z } from 'zod';
import type { EventDefinition } from './event.js';

/*
 * What a module sees of its own database. The kernel only names these types (db/ implements them),
 * so a module definition can declare its migrations and use its connection without the kernel
 * depending on the db adapter.
 */

export type Dialect = 'sqlite' | 'postgres';

export interface SqlResult<T> {
  rows: T[];
  /** Rows changed by an INSERT/UPDATE/DELETE (for a statement with RETURNING: rows returned). */
  changes: number;
}

export interface SqlSession {
  /** Runs one statement with `?` placeholders. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<T>>;
}

/** One transaction of a module's database: its statements, and the module's events published with them. */
export interface SqlTransaction extends SqlSession {
  /**
   * Writes an integration event of this module (validated against its schema) to the module's
   * outbox in this transaction: it exists if and only if the transaction commits, and the relay is
   * woken once it has. Only in a module that declares the events it `publishes`.
   */
  publish<E extends EventDefinition>(event: E, payload: z.input<E['schema']>): Promise<void>;
}

/**
 * Where the events published in a module's transactions go: its outbox (events/outbox.ts), handed
 * to the module's database by the host. `write` runs inside the transaction; `committed` after each
 * commit of a transaction that wrote events.
 */
export interface EventWriter {
  write(session: SqlSession, event: EventDefinition, payload: unknown): Promise<void>;
  committed(): void;
}

/**
 * Fixed SQL on a module's own knex pool, without the query builder: on a hot path the builder and
 * knex's transaction machinery cost several times the SQL itself. Each distinct statement is
 * prepared once per connection (better-sqlite3 statements; PostgreSQL named statements). Write
 * `?` placeholders; they become `$n` on PostgreSQL. Every module has one, as `ModuleDb.sql`.
 * Inside a trace, each transaction and each statement run on its own is a span of `module`.
 */
export interface SqlRunner extends SqlSession {
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
}

/** One step of a module's schema; names sort in the order they apply. */
export interface Migration {
  name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

export interface ModuleDb {
  knex: Knex;
  dialect: Dialect;
  /** Prepared statements on the same pool, for hot paths (one runner per module, so one statement cache). */
  sql: SqlRunner;
  /** Applies the module's pending migrations (each module has its own migrations table). */
  migrate(migrations: Migration[]): Promise<void>;
  close(): Promise<void>;
}
