import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { continuedContext, runWithContext } from '../context.js';
import { openModuleDb, type DbSettings, type ModuleDb } from '../db/module-db.js';
import {
  captureLogger,
  metricValue,
  RecordingBus,
  sleep,
  testMetrics,
  thingHappened,
} from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import { createTestDatabase, requirePostgres } from '../../../test/support/services.js';
import { Outbox, OutboxRelay, outboxMigration } from './outbox.js';

const MODULE = 'orders';

function outboxSuite(
  dialect: string,
  settings: () => Promise<DbSettings & { cleanup(): Promise<void> }>,
  enabled = true,
) {
  describe.skipIf(!enabled)(`Outbox and OutboxRelay on ${dialect}`, () => {
    let dbSettings: DbSettings & { cleanup(): Promise<void> };
    const open: ModuleDb[] = [];
    const relays: OutboxRelay[] = [];
    const openDb = async () => {
      const db = await openModuleDb(MODULE, dbSettings);
      await db.migrate([outboxMigration]);
      open.push(db);
      return db;
    };
    const relayFor = (db: ModuleDb, bus: RecordingBus, outbox = new Outbox(MODULE), extra = {}) => {
      const metrics = testMetrics();
      const relay = new OutboxRelay({
        module: MODULE,
        db,
        bus,
        outbox,
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

    it('publishes once the transaction commits (not before), carrying the trace context, and nothing for a rollback', async () => {
      const db = await openDb();
      const bus = new RecordingBus();
      const outbox = new Outbox(MODULE);
      const { relay, metrics } = relayFor(db, bus, outbox);
      relay.start();
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const origin = continuedContext({ traceparent: `00-${traceId}-00f067aa0ba902b7-01` }, { requestId: 'req-7' });
      await runWithContext(origin, () =>
        db.knex.transaction(async (trx) => {
          await outbox.add(trx, thingHappened, { n: 1 });
          await sleep(50);
          expect(bus.envelopes).toHaveLength(0);
        }),
      );
      await eventually('publish after commit', () => bus.envelopes.length === 1, { timeoutMs: 3000 });
      expect(bus.envelopes[0]).toMatchObject({
        name: 'thing.happened',
        source: MODULE,
        payload: { n: 1 },
        requestId: 'req-7',
      });
      expect(bus.envelopes[0].traceparent).toContain(traceId);

      await db.knex
        .transaction(async (trx) => {
          await outbox.add(trx, thingHappened, { n: 2 });
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      await sleep(100);
      expect(bus.envelopes).toHaveLength(1);
      expect(await relay.backlog()).toBe(0);
      expect(await metricValue(metrics, 'outbox_published_total', { module: MODULE })).toBe(1);
    });

    it('rejects a payload that does not match the event schema', async () => {
      const db = await openDb();
      await expect(
        new Outbox(MODULE).add(db.knex, thingHappened, { n: 'one' } as unknown as { n: number }),
      ).rejects.toThrow();
      expect(Number((await db.knex('outbox').count({ c: '*' }))[0].c)).toBe(0);
    });

    it('delivers an event committed just before a crash exactly once after restart', async () => {
      const crashed = await openDb();
      await crashed.knex.transaction((trx) => new Outbox(MODULE).add(trx, thingHappened, { n: 42 }));
      await crashed.close(); // the relay never ran
      open.splice(open.indexOf(crashed), 1);
      const db = await openDb();
      const bus = new RecordingBus();
      const { relay } = relayFor(db, bus);
      relay.start();
      await eventually('publish after restart', async () => (await relay.backlog()) === 0, { timeoutMs: 3000 });
      await sleep(100);
      expect([...bus.published.values()]).toEqual([1]);
    });

    it('keeps rows while the bus is down and publishes each once when it is back', async () => {
      const db = await openDb();
      const bus = new RecordingBus();
      bus.failing = true;
      const outbox = new Outbox(MODULE);
      const { relay } = relayFor(db, bus, outbox, { pollIntervalMs: 50, maxBackoffMs: 100 });
      relay.start();
      for (let n = 0; n < 5; n++) await db.knex.transaction((trx) => outbox.add(trx, thingHappened, { n }));
      await sleep(200);
      expect(await relay.backlog()).toBe(5);
      bus.failing = false;
      await eventually('backlog drained', async () => (await relay.backlog()) === 0, { timeoutMs: 3000 });
      expect([...bus.published.values()]).toEqual([1, 1, 1, 1, 1]);
      // An unreachable bus is not the events' fault: no attempt was counted against them.
      expect((await db.knex('outbox').select('attempts')).map((row) => Number(row.attempts))).toEqual([0, 0, 0, 0, 0]);
    });

    it('counts an attempt when the bus is reachable but refuses an event, retries it with backoff and dead-letters it after N attempts', async () => {
      const db = await openDb();
      const outbox = new Outbox(MODULE);
      let refusals = 0;
      const refusing = new (class extends RecordingBus {
        override async publish(): Promise<void> {
          refusals++;
          throw new Error('refused by a consumer');
        }
      })();
      const { relay, metrics } = relayFor(db, refusing, outbox, { maxAttempts: 3, retryBaseMs: 20 });
      relay.start();
      await outbox.add(db.knex, thingHappened, { n: 1 });
      await eventually(
        'dead letter',
        async () => Number((await db.knex('outbox').whereNotNull('dead_lettered_at').count({ c: '*' }))[0].c) === 1,
        { timeoutMs: 3000 },
      );
      await sleep(150);
      expect(refusals).toBe(3);
      const row = await db.knex('outbox').first();
      expect(Number(row.attempts)).toBe(3);
      expect(row.last_error).toContain('refused by a consumer');
      expect(row.dispatched_at).toBeNull();
      expect(await relay.backlog()).toBe(0);
      // Not a consuming module's failure (no EventDeliveryError): counted under the publishing module.
      expect(
        await metricValue(metrics, 'events_dead_lettered_total', { module: MODULE, event: 'thing.happened' }),
      ).toBe(1);
    });

    it('counts a publish that outlives publishTimeoutMs (a hung handler) as a failed attempt, and publishes the row again', async () => {
      const db = await openDb();
      const outbox = new Outbox(MODULE);
      const bus = new (class extends RecordingBus {
        calls = 0;
        override async publish(event: Parameters<RecordingBus['publish']>[0]): Promise<void> {
          if (++this.calls === 1) return new Promise<void>(() => undefined); // never settles
          return super.publish(event);
        }
      })();
      const { relay } = relayFor(db, bus, outbox, { publishTimeoutMs: 100, retryBaseMs: 20 });
      relay.start();
      await outbox.add(db.knex, thingHappened, { n: 1 });
      await eventually('backlog drained', async () => (await relay.backlog()) === 0, { timeoutMs: 3000 });
      expect(bus.calls).toBe(2);
      expect([...bus.published.values()]).toEqual([1]);
      const row = await db.knex('outbox').first();
      expect(Number(row.attempts)).toBe(1);
      expect(row.last_error).toContain('timed out');
    });

    it('keeps its lease while a publish outlasts it: a second relay does not publish the batch again', async () => {
      const db = await openDb();
      const other = await openDb();
      await new Outbox(MODULE).add(db.knex, thingHappened, { n: 1 });
      const bus = new RecordingBus(700); // each publish takes longer than the 300 ms lease
      const { relay } = relayFor(db, bus, undefined, { leaseMs: 300, pollIntervalMs: 50 });
      relay.start();
      await sleep(50);
      const { relay: second } = relayFor(other, bus, undefined, { leaseMs: 300, pollIntervalMs: 50 });
      second.start();
      await eventually('the publish', () => bus.published.size === 1, { timeoutMs: 3000 });
      await eventually('backlog drained', async () => (await relay.backlog()) === 0, { timeoutMs: 3000 });
      await sleep(800);
      expect([...bus.published.values()]).toEqual([1]);
    });

    it('marks a published row dispatched even when another relay took it over meanwhile (lapsed lease)', async () => {
      const db = await openDb();
      await new Outbox(MODULE).add(db.knex, thingHappened, { n: 1 });
      const bus = new RecordingBus(200);
      const { relay } = relayFor(db, bus);
      relay.start();
      await eventually(
        'the claim',
        async () => (await db.knex('outbox').whereNotNull('claimed_by').count({ c: '*' }))[0].c == 1,
        { timeoutMs: 3000 },
      );
      await db.knex('outbox').update({ claimed_by: 'another-relay' }); // as if its lease had lapsed and been taken
      await eventually('the publish', () => bus.published.size === 1, { timeoutMs: 3000 });
      await eventually('marked dispatched', async () => (await db.knex('outbox').first()).dispatched_at !== null, {
        timeoutMs: 3000,
      });
      expect(await relay.backlog()).toBe(0);
    });

    it('republishes a row claimed by a relay that died once its lease runs out', async () => {
      const db = await openDb();
      await new Outbox(MODULE).add(db.knex, thingHappened, { n: 1 });
      await db.knex('outbox').update({ claimed_by: 'dead-relay', claimed_until: Date.now() + 300 });
      const bus = new RecordingBus();
      const { relay } = relayFor(db, bus, undefined, { pollIntervalMs: 50 });
      relay.start();
      await sleep(150);
      expect(bus.published.size).toBe(0);
      await eventually('publish after lease expiry', () => bus.published.size === 1, { timeoutMs: 3000 });
    });
  });
}

outboxSuite('SQLite', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'outbox-'));
  return { dataDir, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
});

const postgres = await requirePostgres();

outboxSuite(
  'PostgreSQL',
  async () => {
    const database = await createTestDatabase('outbox');
    return { databaseUrl: database.url, dataDir: '', cleanup: () => database.drop() };
  },
  postgres,
);
