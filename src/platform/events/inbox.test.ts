import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModuleDb } from '../kernel/database.js';
import { openModuleDb } from '../db/module-db.js';
import { envelope } from '../../../test/support/events-fixtures.js';
import { createTestDatabase, requirePostgres } from '../../../test/support/services.js';
import type { SqlSession } from '../kernel/database.js';
import type { EventEnvelope } from '../kernel/event.js';
import { consumeOnce, consumeOnceSql, inboxMigration } from './inbox.js';

const effectsMigration = {
  name: '0001_effects',
  up: (knex: Knex) =>
    knex.schema.createTable('effects', (table) => {
      table.increments('id');
      table.string('event_id').notNullable();
    }),
  down: (knex: Knex) => knex.schema.dropTable('effects'),
};

const countEffects = async (db: ModuleDb) => Number((await db.knex('effects').count({ c: '*' }))[0].c);

/** Both flavours of the inbox, each with an effect that inserts one row and then runs `after`. */
type Consume = (db: ModuleDb, event: EventEnvelope, after?: () => void) => Promise<boolean>;
const flavours: Record<string, Consume> = {
  consumeOnce: (db, event, after = () => undefined) =>
    consumeOnce(db.knex, event, async (trx: Knex.Transaction) => {
      await trx('effects').insert({ event_id: event.id });
      after();
    }),
  consumeOnceSql: (db, event, after = () => undefined) =>
    consumeOnceSql(db.sql, event, async (tx: SqlSession) => {
      await tx.query('INSERT INTO effects (event_id) VALUES (?)', [event.id]);
      after();
    }),
};

function inboxSuite(dialect: string, open: () => Promise<{ db: ModuleDb; cleanup(): Promise<void> }>, enabled = true) {
  describe.skipIf(!enabled).each(Object.keys(flavours))(`%s on ${dialect}`, (flavour) => {
    const consume = flavours[flavour];
    let db: ModuleDb;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ db, cleanup } = await open());
      await db.migrate([inboxMigration, effectsMigration]);
    });
    afterAll(async () => cleanup?.());

    it('applies the same event delivered 3 times exactly once', async () => {
      const event = envelope(1);
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await consume(db, event));
      expect(results).toEqual([true, false, false]);
      expect(Number((await db.knex('effects').where({ event_id: event.id }).count({ c: '*' }))[0].c)).toBe(1);
    });

    it('applies 3 concurrent deliveries of one event exactly once', async () => {
      const event = envelope(2);
      const results = await Promise.all([1, 2, 3].map(() => consume(db, event)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(Number((await db.knex('effects').where({ event_id: event.id }).count({ c: '*' }))[0].c)).toBe(1);
    });

    it('records nothing when the effect fails, so a redelivery applies it', async () => {
      const event = envelope(3);
      const before = await countEffects(db);
      await expect(
        consume(db, event, () => {
          throw new Error('effect failed');
        }),
      ).rejects.toThrow('effect failed');
      expect(await countEffects(db)).toBe(before);
      expect(await consume(db, event)).toBe(true);
      expect(await countEffects(db)).toBe(before + 1);
    });
  });
}

inboxSuite('SQLite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'inbox-'));
  const db = await openModuleDb('consumer', { dataDir: dir });
  return {
    db,
    cleanup: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

inboxSuite(
  'PostgreSQL',
  async () => {
    const database = await createTestDatabase('inbox');
    const db = await openModuleDb('consumer', { databaseUrl: database.url, dataDir: '' });
    return {
      db,
      cleanup: async () => {
        await db.close();
        await database.drop();
      },
    };
  },
  await requirePostgres(),
);
