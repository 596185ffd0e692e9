/**
 * A publisher process for the outbox kill/stop tests, in monolith mode: it commits 50 events
 * through the Outbox (SQLite file "orders"), and its relay publishes them on a MemoryEventBus whose
 * consumer ("notifications", its own SQLite file) records each effect through the inbox, slowly
 * (50 ms an event). It prints "committed" once all 50 are committed. On SIGTERM it shuts down the
 * way the host does (relay.stop(), then bus.close()) and prints "stopped". Configured through the
 * environment; the parent has run the migrations.
 */
import { createMetrics } from '../../src/platform/telemetry/metrics.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { openModuleDb } from '../../src/platform/db/module-db.js';
import { MemoryEventBus } from '../../src/platform/events/memory-event-bus.js';
import { Outbox, OutboxRelay } from '../../src/platform/events/outbox.js';
import { recordEffectTaking } from './events-crash-effect.js';
import { thingHappened } from './events-fixtures.js';

export const OUTBOX_CHILD = {
  publisher: 'orders',
  consumer: 'notifications',
  events: 50,
  effectMs: 50,
  /** Short, so a parent restarting after a SIGKILL does not wait long for the dead relay's claims. */
  leaseMs: 1000,
  /** Several batches, so a graceful stop lands between two of them. */
  batchSize: 10,
} as const;

if (process.env.OUTBOX_CHILD_DATA_DIR) {
  const dataDir = process.env.OUTBOX_CHILD_DATA_DIR;
  const logger = createLogger('warn');
  const metrics = createMetrics();
  const outbox = new Outbox(OUTBOX_CHILD.publisher);
  const publisherDb = await openModuleDb(OUTBOX_CHILD.publisher, { dataDir }, outbox);
  const consumerDb = await openModuleDb(OUTBOX_CHILD.consumer, { dataDir });
  const bus = new MemoryEventBus(new Map([[thingHappened.name, [OUTBOX_CHILD.consumer]]]), logger, metrics, {
    concurrency: 5,
  });
  const effect = recordEffectTaking(OUTBOX_CHILD.effectMs);
  await bus.consume(OUTBOX_CHILD.consumer, async (event) => void (await effect(consumerDb.knex, event)));
  const relay = new OutboxRelay({
    module: OUTBOX_CHILD.publisher,
    db: publisherDb,
    bus,
    outbox,
    logger,
    metrics,
    pollIntervalMs: 100,
    leaseMs: OUTBOX_CHILD.leaseMs,
    batchSize: OUTBOX_CHILD.batchSize,
  });
  process.once('SIGTERM', () => {
    void (async () => {
      await relay.stop();
      await bus.close();
      await publisherDb.close();
      await consumerDb.close();
      process.stdout.write('stopped\n');
      process.exit(0);
    })();
  });
  relay.start();
  for (let n = 0; n < OUTBOX_CHILD.events; n++)
    await publisherDb.sql.transaction((tx) => tx.publish(thingHappened, { n }));
  process.stdout.write('committed\n');
}
