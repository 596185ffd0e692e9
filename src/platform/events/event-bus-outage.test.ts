import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModuleDb } from '../db/module-db.js';
import { effectsMigration, recordSlowEffect } from '../../../test/support/events-crash-effect.js';
import {
  captureLogger,
  envelope,
  routing,
  sleep,
  testMetrics,
  thingHappened,
} from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import { busHarnesses, connectBus } from '../../../test/support/bus-harness.js';
import { TcpProxy } from '../../../test/support/events-tcp-proxy.js';
import { inboxMigration } from './inbox.js';
import { Outbox, OutboxRelay, outboxMigration } from './outbox.js';

describe.each(await busHarnesses('events-outage-test'))('the outbox and the $name bus', (harness) => {
  beforeAll(async () => harness.enabled && (await harness.setUp()));
  afterAll(async () => harness.enabled && (await harness.tearDown()));

  it.skipIf(!harness.enabled)(
    'keeps events in the outbox while the broker is unreachable and delivers each once after it returns',
    async () => {
      const proxy = await TcpProxy.start(harness.broker);
      const dataDir = mkdtempSync(path.join(tmpdir(), 'events-outage-'));
      const outbox = new Outbox('orders');
      const publisherDb = await openModuleDb('orders', { dataDir }, outbox);
      const consumerDb = await openModuleDb('notifications', { dataDir });
      const { logger } = captureLogger();
      const metrics = testMetrics();
      const bus = await connectBus(
        harness.address(proxy.port),
        { 'thing.happened': ['notifications'] },
        logger,
        metrics,
        {
          publishTimeoutMs: 1000,
          lockDurationMs: 2000,
          stalledIntervalMs: 1000,
        },
      );
      const relay = new OutboxRelay({
        module: 'orders',
        db: publisherDb,
        bus,
        outbox,
        logger,
        metrics,
        pollIntervalMs: 100,
        maxBackoffMs: 500,
      });
      const effects = async () => {
        const [row] = await consumerDb
          .knex('effects')
          .select(consumerDb.knex.raw('count(*) as total, count(distinct event_id) as distinct_ids'));
        return { total: Number(row.total), distinct: Number(row.distinct_ids) };
      };
      const checkout = (n: number) => publisherDb.sql.transaction((tx) => tx.publish(thingHappened, { n }));
      try {
        await publisherDb.migrate([outboxMigration]);
        await consumerDb.migrate([inboxMigration, effectsMigration]);
        await bus.consume('notifications', async (event) => void (await recordSlowEffect(consumerDb.knex, event)));
        relay.start();

        for (let n = 0; n < 10; n++) await checkout(n);
        await eventually('delivery while the broker is reachable', async () => (await effects()).total === 10, {
          timeoutMs: 10_000,
        });

        proxy.cut();
        for (let n = 10; n < 40; n++) await checkout(n); // the state changes still commit
        await sleep(1500);
        const backlogDuringOutage = await relay.backlog();
        expect(backlogDuringOutage).toBe(30); // every event of the outage waits in the outbox
        expect((await effects()).total).toBe(10);

        proxy.restore();
        await eventually('backlog drained', async () => (await relay.backlog()) === 0, {
          timeoutMs: 15_000,
          everyMs: 100,
        });
        await eventually('all 40 effects', async () => (await effects()).total >= 40, {
          timeoutMs: 15_000,
          everyMs: 100,
        });
        await sleep(300);
        expect(await effects()).toEqual({ total: 40, distinct: 40 });
      } finally {
        await relay.stop();
        await bus.close();
        await proxy.close();
        await publisherDb.close();
        await consumerDb.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    45_000,
  );

  it.skipIf(!harness.enabled)(
    'recovers by itself when the broker was unreachable from the start',
    async () => {
      const proxy = await TcpProxy.start(harness.broker);
      proxy.cut();
      const bus = await connectBus(
        harness.address(proxy.port),
        { 'thing.happened': ['late'] },
        captureLogger().logger,
        testMetrics(),
        { publishTimeoutMs: 500 },
      );
      try {
        const delivered = new Map<string, number>();
        await bus.consume('late', async (event) => void delivered.set(event.id, (delivered.get(event.id) ?? 0) + 1));
        const event = envelope(1);
        await expect(bus.publish(event)).rejects.toThrow();
        await sleep(1500);
        proxy.restore();
        // What the outbox relay does: publish again until it works.
        await eventually(
          'a publish to succeed',
          () =>
            bus.publish(event).then(
              () => true,
              () => false,
            ),
          { timeoutMs: 10_000, everyMs: 200 },
        );
        await eventually('delivery', () => delivered.size === 1, { timeoutMs: 10_000 });
        await sleep(200);
        expect([...delivered.values()]).toEqual([1]);
      } finally {
        await bus.close();
        await proxy.close();
      }
    },
    30_000,
  );
});
