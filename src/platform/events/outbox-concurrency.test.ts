import { expect, describe, it } from 'vitest';
import { openModuleDb } from '../db/module-db.js';
import {
  captureLogger,
  RecordingBus,
  sleep,
  testMetrics,
  thingHappened,
} from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import { createTestDatabase, requirePostgres } from '../../../test/support/services.js';
import { Outbox, OutboxRelay, outboxMigration } from './outbox.js';

const MODULE = 'orders';
const postgres = await requirePostgres();

describe.skipIf(!postgres)('two relays over one PostgreSQL outbox', () => {
  it('publishes each of 500 events exactly once', async () => {
    const database = await createTestDatabase('relays');
    const settings = { databaseUrl: database.url, dataDir: '' };
    const [first, second] = [
      await openModuleDb(MODULE, settings, new Outbox(MODULE)),
      await openModuleDb(MODULE, settings),
    ];
    try {
      await first.migrate([outboxMigration]);
      for (let chunk = 0; chunk < 10; chunk++) {
        await first.sql.transaction(async (tx) => {
          for (let n = 0; n < 50; n++) await tx.publish(thingHappened, { n: chunk * 50 + n });
        });
      }
      const bus = new RecordingBus(1); // a slow-ish bus, so the relays' batches overlap in time
      const options = { module: MODULE, bus, logger: captureLogger().logger, pollIntervalMs: 50, batchSize: 20 };
      const relays = [first, second].map(
        (db) => new OutboxRelay({ ...options, db, outbox: new Outbox(MODULE), metrics: testMetrics() }),
      );
      relays.forEach((relay) => relay.start());
      await eventually('500 published', () => bus.envelopes.length >= 500, { timeoutMs: 20_000 });
      await sleep(200);
      await Promise.all(relays.map((relay) => relay.stop()));

      expect(bus.published.size).toBe(500);
      expect([...bus.published.values()].every((count) => count === 1)).toBe(true);
      expect(bus.envelopes).toHaveLength(500);
      expect(await relays[0].backlog()).toBe(0);
    } finally {
      await first.close();
      await second.close();
      await database.drop();
    }
  }, 30_000);
});
