import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModuleDb } from '../../src/platform/kernel/database.js';
import { openModuleDb } from '../../src/platform/db/module-db.js';
import { createTestDatabase, requirePostgres } from '../support/services.js';

const migration = (table: string) => ({
  name: '0001_test',
  up: (knex: ModuleDb['knex']) => knex.schema.createTable(table, (t) => t.string('id').primary()),
  down: (knex: ModuleDb['knex']) => knex.schema.dropTable(table),
});

describe.skipIf(!(await requirePostgres()))('PostgreSQL: a schema and a role per module', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let users: ModuleDb;
  let catalog: ModuleDb;

  beforeAll(async () => {
    database = await createTestDatabase('module_db');
    users = await openModuleDb('users', { databaseUrl: database.url, dataDir: '' });
    catalog = await openModuleDb('catalog', { databaseUrl: database.url, dataDir: '' });
    await users.migrate([migration('accounts')]);
    await catalog.migrate([migration('products')]);
    await users.knex('accounts').insert({ id: 'u1' });
  });
  afterAll(async () => {
    await users?.close();
    await catalog?.close();
    await database?.drop();
  });

  it('gives each module its own schema with its own migrations table, and shows it nothing else', async () => {
    const visible = async (db: ModuleDb) =>
      (
        await db.knex.raw(
          `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
        )
      ).rows.map((r: { name: string }) => r.name);
    expect(await visible(users)).toEqual(['users.accounts', 'users.knex_migrations', 'users.knex_migrations_lock']);
    expect(await visible(catalog)).toEqual([
      'catalog.knex_migrations',
      'catalog.knex_migrations_lock',
      'catalog.products',
    ]);
  });

  it("refuses a module's query on another module's table, even schema-qualified", async () => {
    expect(await users.knex('accounts').count({ n: '*' })).toEqual([{ n: '1' }]);
    await expect(catalog.knex.raw('SELECT * FROM users.accounts')).rejects.toThrow(/permission denied/);
    await expect(catalog.knex('accounts').select()).rejects.toThrow(/does not exist/);
  });
});

describe('SQLite: a file per module', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'module-db-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keeps each module's tables in its own file, in WAL mode", async () => {
    const users = await openModuleDb('users', { dataDir });
    const catalog = await openModuleDb('catalog', { dataDir });
    await users.migrate([migration('accounts')]);
    expect((await users.knex.raw('PRAGMA journal_mode'))[0].journal_mode).toBe('wal');
    await expect(catalog.knex('accounts').select()).rejects.toThrow(/no such table/);
    await users.close();
    await catalog.close();
  });
});
