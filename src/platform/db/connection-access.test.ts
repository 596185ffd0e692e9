import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModuleDb } from '../kernel/database.js';
import { openModuleDb } from './module-db.js';

const pause = () => new Promise((resolve) => setImmediate(resolve));

describe('the SQLite runner taking turns on the pool’s one connection', () => {
  const opened: Array<{ db: ModuleDb; dir: string }> = [];
  const open = async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'turns-'));
    const db = await openModuleDb('turns', { dataDir: dir });
    await db.knex.schema.createTable('counter', (table) => table.integer('n').notNullable());
    await db.knex('counter').insert({ n: 0 });
    opened.push({ db, dir });
    return db;
  };
  afterEach(async () => {
    for (const { db, dir } of opened.splice(0)) {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps every transaction exclusive while knex queries and transactions run in between', async () => {
    const db = await open();
    const increment = () =>
      db.sql.transaction(async (tx) => {
        const [{ n }] = (await tx.query<{ n: number }>('SELECT n FROM counter')).rows;
        await pause(); // other work gets the event loop here, but not the connection
        await tx.query('UPDATE counter SET n = ?', [n + 1]);
      });
    const viaKnex = () =>
      db.knex.transaction(async (trx) => {
        const { n } = await trx('counter').first();
        await pause();
        await trx('counter').update({ n: n + 1 });
      });
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? viaKnex() : increment())));
    expect((await db.sql.query<{ n: number }>('SELECT n FROM counter')).rows[0].n).toBe(60);
  });

  it('hands the connection back when idle, so knex and close() do not wait for the runner', async () => {
    const db = await open();
    await db.sql.query('SELECT n FROM counter');
    // The runner still holds the connection for this turn of the event loop; knex gets it right after.
    expect(Number((await db.knex('counter').first()).n)).toBe(0);
    await db.sql.query('UPDATE counter SET n = 1');
    await db.close();
    opened.splice(0, 1, { db: await openModuleDb('turns', { dataDir: opened[0].dir }), dir: opened[0].dir });
    expect(Number((await opened[0].db.knex('counter').first()).n)).toBe(1);
  });
});
