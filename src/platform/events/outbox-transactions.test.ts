import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { thingHappened } from '../../../test/support/events-fixtures.js';
import { openModuleDb } from '../db/module-db.js';
import type { ModuleDb } from '../kernel/database.js';
import { Outbox, outboxMigration } from './outbox.js';

const count = async (db: ModuleDb, table: string) => Number((await db.knex(table).count({ c: '*' }))[0].c);

// `tx.publish` is the one way to write an event; the transaction itself wakes the relay after its commit.
describe('publishing from a module transaction', () => {
  const opened: Array<{ db: ModuleDb; dir: string }> = [];
  const open = async (module: string, outbox?: Outbox) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'publish-'));
    const db = await openModuleDb(module, { dataDir: dir }, outbox);
    opened.push({ db, dir });
    await db.migrate([outboxMigration]);
    await db.knex.schema.createTable('things', (table) => table.integer('n').notNullable());
    return db;
  };
  afterEach(async () => {
    for (const { db, dir } of opened.splice(0)) {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('wakes the outbox listeners once per committed transaction that published, not for a rollback or a transaction without events', async () => {
    const outbox = new Outbox('loud');
    const db = await open('loud', outbox);
    let wakes = 0;
    outbox.onCommitted(() => wakes++);
    await db.sql.transaction(async (tx) => {
      await tx.query('INSERT INTO things (n) VALUES (?)', [1]);
      await tx.publish(thingHappened, { n: 1 });
      await tx.publish(thingHappened, { n: 2 });
      expect(wakes).toBe(0);
    });
    await db.sql.transaction((tx) => tx.query('INSERT INTO things (n) VALUES (?)', [2]));
    await db.sql
      .transaction(async (tx) => {
        await tx.publish(thingHappened, { n: 3 });
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    expect([wakes, await count(db, 'outbox'), await count(db, 'things')]).toEqual([1, 2, 2]);
  });

  it('refuses to publish in a module that declares no events, rolling its transaction back', async () => {
    const db = await open('quiet');
    const publishing = db.sql.transaction(async (tx) => {
      await tx.query('INSERT INTO things (n) VALUES (?)', [1]);
      await tx.publish(thingHappened, { n: 1 });
    });
    await expect(publishing).rejects.toThrow('module quiet publishes no events');
    expect([await count(db, 'outbox'), await count(db, 'things')]).toEqual([0, 0]);
  });
});
