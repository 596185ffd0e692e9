import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import type { Dialect, EventWriter, Migration, ModuleDb } from '../kernel/database.js';
import { ModuleMigrationSource } from './migration.js';
import { createSqlRunner } from './sql-runner.js';

export interface DbSettings {
  databaseUrl?: string;
  dataDir: string;
}

const MIGRATIONS_TABLE = 'knex_migrations';

/**
 * The one knex instance of one module. SQLite: its own file under DATA_DIR. PostgreSQL: its own
 * schema, and, where the server allows it, its own role with rights on that schema only, so a
 * query for another module's table fails instead of quietly working. `events`: the module's outbox,
 * where its transactions publish (a module that publishes nothing has none).
 */
export async function openModuleDb(
  module: string,
  settings: DbSettings,
  events?: EventWriter,
  extensions: string[] = [],
): Promise<ModuleDb> {
  return settings.databaseUrl
    ? openPostgres(module, settings.databaseUrl, events, extensions)
    : openSqlite(module, settings.dataDir, events);
}

function openSqlite(module: string, dataDir: string, events: EventWriter | undefined): ModuleDb {
  mkdirSync(dataDir, { recursive: true });
  const instance = knex({
    client: 'better-sqlite3',
    connection: { filename: path.join(dataDir, `${module}.sqlite`) },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(
        connection: { pragma(sql: string): unknown },
        done: (error: Error | null, connection: unknown) => void,
      ) {
        // WAL: readers never block the writer; busy_timeout: a second process waits instead of failing.
        connection.pragma('journal_mode = WAL');
        connection.pragma('synchronous = NORMAL');
        connection.pragma('busy_timeout = 5000');
        connection.pragma('foreign_keys = ON');
        done(null, connection);
      },
    },
  });
  return wrap(module, instance, 'sqlite', undefined, events);
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function openPostgres(
  module: string,
  databaseUrl: string,
  events: EventWriter | undefined,
  extensions: string[],
): Promise<ModuleDb> {
  const schema = module;
  const role = `shop_${module}`;
  const admin = knex({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
  let useRole = false;
  try {
    useRole = await serialised(admin, `shop-setup:${schema}`, async (trx) => {
      await trx.raw(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      for (const extension of extensions) await createExtension(trx, extension);
      return ensureModuleRole(trx, role, schema);
    });
  } finally {
    await admin.destroy();
  }
  const instance = knex({
    client: 'pg',
    connection: databaseUrl,
    searchPath: [schema],
    pool: {
      min: 0,
      max: 10,
      afterCreate(
        connection: { query(sql: string, done: (error: Error | null) => void): void },
        done: (error: Error | null, connection: unknown) => void,
      ) {
        const setup = `SET search_path TO ${quoteIdent(schema)}${useRole ? `; SET ROLE ${quoteIdent(role)}` : ''}`;
        connection.query(setup, (error) => done(error, connection));
      },
    },
  });
  return wrap(module, instance, 'postgres', schema, events);
}

/** Where the connecting user may not create it, and nobody has, the module cannot run: say what to do. */
async function createExtension(trx: Knex.Transaction, extension: string): Promise<void> {
  try {
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [`shop-extension:${extension}`]);
    await trx.raw(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(extension)}`);
  } catch (error) {
    throw new Error(
      `PostgreSQL extension ${extension} is missing and could not be created (${(error as Error).message}); run CREATE EXTENSION ${extension} as a superuser`,
    );
  }
}

/**
 * Creates (once per cluster) a role that owns the module's schema and nothing else. Returns false
 * when the connecting user may not manage roles; the schema boundary then rests on search_path.
 */
async function ensureModuleRole(trx: Knex.Transaction, role: string, schema: string): Promise<boolean> {
  // Each step in a savepoint: a refusal (no right to manage roles) must not abort the transaction.
  const attempt = (sql: string) =>
    trx
      .transaction((savepoint) => savepoint.raw(sql))
      .then(
        () => true,
        () => false,
      );
  if (
    !(await attempt(
      `DO $$ BEGIN CREATE ROLE ${quoteIdent(role)} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    ))
  )
    return false;
  await attempt(`GRANT ${quoteIdent(role)} TO CURRENT_USER`);
  return attempt(`ALTER SCHEMA ${quoteIdent(schema)} OWNER TO ${quoteIdent(role)}`);
}

/**
 * Runs `work` in a transaction holding a PostgreSQL advisory lock on `key`: instances of one
 * module that start together create its schema and run its migrations one at a time (two
 * concurrent `CREATE … IF NOT EXISTS` can both fail on the catalog's unique indexes).
 */
async function serialised<T>(db: Knex, key: string, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  return db.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(hashtext(?))', [key]);
    return work(trx);
  });
}

function wrap(
  module: string,
  instance: Knex,
  dialect: Dialect,
  schema: string | undefined,
  events: EventWriter | undefined,
): ModuleDb {
  return {
    knex: instance,
    dialect,
    sql: createSqlRunner(instance, dialect, module, events),
    async migrate(migrations) {
      const latest = () =>
        instance.migrate.latest({
          migrationSource: new ModuleMigrationSource(migrations),
          tableName: MIGRATIONS_TABLE,
          schemaName: schema,
        });
      // The lock is held on one pooled connection while knex migrates on another.
      await (dialect === 'postgres' ? serialised(instance, `shop-migrate:${schema}`, latest) : latest());
    },
    close: () => instance.destroy(),
  };
}
