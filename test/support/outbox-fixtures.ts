/**
 * Shared setup of the Outbox/OutboxRelay unit tests (src/platform/events/outbox-*.test.ts): one suite
 * declared on SQLite and, when it is reachable, on PostgreSQL, whose tests open the "orders" module's
 * database and start relays over a {@link RecordingBus}; each test's relays are stopped, its outbox rows
 * deleted and its databases closed after it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import type { ModuleDb } from '../../src/platform/kernel/database.js';
import { openModuleDb, type DbSettings } from '../../src/platform/db/module-db.js';
import { Outbox, OutboxRelay, outboxMigration, type OutboxRelayOptions } from '../../src/platform/events/outbox.js';
import { captureLogger, RecordingBus, testMetrics } from './events-fixtures.js';
import { createTestDatabase, requirePostgres } from './services.js';

export const MODULE = 'orders';

type SuiteSettings = DbSettings & { cleanup(): Promise<void> };

export interface OutboxSuite {
  /** The databases still to close after the test; a test that closes one itself takes it out. */
  open: ModuleDb[];
  /** The module's database, migrated, closed after the test; its transactions publish to its own Outbox. */
  openDb(): Promise<ModuleDb>;
  /**
   * A relay (not started; stopped after the test) publishing the outbox of `db` on `bus`, woken by its
   * commits, polling only once a minute unless `extra` says otherwise.
   */
  relayFor(
    db: ModuleDb,
    bus: RecordingBus,
    extra?: Partial<OutboxRelayOptions>,
  ): { relay: OutboxRelay; metrics: ReturnType<typeof testMetrics> };
}

function outboxSuite(
  dialect: string,
  settings: () => Promise<SuiteSettings>,
  tests: (suite: OutboxSuite) => void,
  enabled = true,
) {
  describe.skipIf(!enabled)(`Outbox and OutboxRelay on ${dialect}`, () => {
    let dbSettings: SuiteSettings;
    const open: ModuleDb[] = [];
    const relays: OutboxRelay[] = [];
    const outboxes = new Map<ModuleDb, Outbox>();
    const openDb = async () => {
      const outbox = new Outbox(MODULE);
      const db = await openModuleDb(MODULE, dbSettings, outbox);
      await db.migrate([outboxMigration]);
      open.push(db);
      outboxes.set(db, outbox);
      return db;
    };
    const relayFor = (db: ModuleDb, bus: RecordingBus, extra: Partial<OutboxRelayOptions> = {}) => {
      const metrics = testMetrics();
      const relay = new OutboxRelay({
        module: MODULE,
        db,
        bus,
        outbox: outboxes.get(db)!,
        logger: captureLogger().logger,
        metrics,
        pollIntervalMs: 60_000,
        ...extra,
      });
      relays.push(relay);
      return { relay, metrics };
    };

    beforeAll(async () => void (dbSettings = await settings()));
    afterEach(async () => {
      await Promise.all(relays.splice(0).map((relay) => relay.stop()));
      for (const db of open.splice(0))
        await db
          .knex('outbox')
          .delete()
          .then(() => db.close());
    });
    afterAll(async () => dbSettings?.cleanup());

    tests({ open, openDb, relayFor });
  });
}

/** Declares `tests` on SQLite (a fresh data dir) and on PostgreSQL (a fresh database), skipped when PostgreSQL is not reachable. */
export async function outboxSuiteOnEachDatabase(tests: (suite: OutboxSuite) => void): Promise<void> {
  outboxSuite(
    'SQLite',
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'outbox-'));
      return { dataDir, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
    },
    tests,
  );

  const postgres = await requirePostgres();

  outboxSuite(
    'PostgreSQL',
    async () => {
      const database = await createTestDatabase('outbox');
      return { databaseUrl: database.url, dataDir: '', cleanup: () => database.drop() };
    },
    tests,
    postgres,
  );
}
