import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, requirePostgres } from '../../../test/support/services.js';
import { cutoff, sweepAll } from '../db/housekeeping.js';
import { openModuleDb, type DbSettings } from '../db/module-db.js';
import { inboxHousekeepingMigration, inboxSweep } from './inbox-housekeeping.js';
import { inboxMigration } from './inbox.js';
import { outboxSweep } from './outbox-housekeeping.js';
import { outboxMigration } from './outbox.js';

const OLD = cutoff(3600);
const RECENT = new Date().toISOString();

/** Two instances of one module sweeping the same tables at once, with batches of 100. */
function raceSuite(
  dialect: string,
  open: () => Promise<{ settings: DbSettings; cleanup(): Promise<void> }>,
  enabled = true,
) {
  describe.skipIf(!enabled)(`housekeeping by two instances at once on ${dialect}`, () => {
    it('deletes each old row once, counts it once, raises nothing, and leaves pending rows and dead letters', async () => {
      const { settings, cleanup } = await open();
      const [first, second] = [await openModuleDb('racer', settings), await openModuleDb('racer', settings)];
      try {
        await first.migrate([outboxMigration, inboxMigration, inboxHousekeepingMigration]);
        const outbox = (i: number, overrides: object) => ({
          id: `e-${i}`,
          name: 'x',
          envelope: '{}',
          created_at: OLD,
          attempts: 0,
          dispatched_at: null,
          dead_lettered_at: null,
          ...overrides,
        });
        const rows = [
          ...Array.from({ length: 3000 }, (_, i) => outbox(i, { dispatched_at: OLD })),
          ...Array.from({ length: 10 }, (_, i) => outbox(3000 + i, {})),
          ...Array.from({ length: 10 }, (_, i) => outbox(3010 + i, { dead_lettered_at: OLD, attempts: 5 })),
          ...Array.from({ length: 10 }, (_, i) => outbox(3020 + i, { dispatched_at: RECENT })),
        ];
        for (let i = 0; i < rows.length; i += 200) await first.knex('outbox').insert(rows.slice(i, i + 200));
        const inbox = Array.from({ length: 2010 }, (_, i) => ({
          event_id: `e-${i}`,
          event_name: 'x',
          processed_at: i < 2000 ? OLD : RECENT,
        }));
        for (let i = 0; i < inbox.length; i += 200) await first.knex('inbox').insert(inbox.slice(i, i + 200));

        const deleted: Record<string, number> = { outbox: 0, inbox: 0 };
        const count = (table: string, n: number) => (deleted[table] += n);
        await Promise.all([first, second].map((db) => sweepAll([outboxSweep(db, 60), inboxSweep(db, 60)], count, 100)));
        expect(deleted).toEqual({ outbox: 3000, inbox: 2000 });
        const left = await first.knex('outbox').orderBy('seq').pluck('id');
        expect(left).toEqual(Array.from({ length: 30 }, (_, i) => `e-${3000 + i}`));
        expect(Number((await first.knex('inbox').count({ n: '*' }))[0].n)).toBe(10);
      } finally {
        await first.close();
        await second.close();
        await cleanup();
      }
    }, 60_000);
  });
}

raceSuite('SQLite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'housekeeping-race-'));
  return { settings: { dataDir: dir }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

raceSuite(
  'PostgreSQL',
  async () => {
    const database = await createTestDatabase('housekeeping_race');
    return { settings: { databaseUrl: database.url, dataDir: '' }, cleanup: () => database.drop() };
  },
  await requirePostgres(),
);
