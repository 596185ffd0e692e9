/**
 * Shared setup of the OutboxRelay + MemoryEventBus tests (src/platform/events/outbox-memory-bus-*.test.ts),
 * monolith mode on SQLite: the publisher's outbox and each consumer's inbox + effects in their own files,
 * a relay publishing on a MemoryEventBus, and the publisher process of test/support/events-outbox-child.ts
 * run, killed or stopped, then "restarted" over the same files.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterEach } from 'vitest';
import type { ModuleDb } from '../../src/platform/kernel/database.js';
import { openModuleDb } from '../../src/platform/db/module-db.js';
import { inboxMigration } from '../../src/platform/events/inbox.js';
import { MemoryEventBus } from '../../src/platform/events/memory-event-bus.js';
import { Outbox, OutboxRelay, outboxMigration, type OutboxRelayOptions } from '../../src/platform/events/outbox.js';
import { effectsMigration, recordEffectTaking } from './events-crash-effect.js';
import { captureLogger, routing, sleep, testMetrics, thingHappened } from './events-fixtures.js';
import { eventually } from './eventually.js';
import { OUTBOX_CHILD } from './events-outbox-child.js';

export const PUBLISHER = 'orders';

/** Effects recorded in a consumer's own database: total rows and distinct event ids (no unique key, so doubles show). */
export const effectsIn = async (knex: Knex) => {
  const [row] = await knex('effects').select(knex.raw('count(*) as total, count(distinct event_id) as distinct_ids'));
  return { total: Number(row.total), distinct: Number(row.distinct_ids) };
};

/** The publisher's outbox: rows committed, ids of those dispatched (sorted), and those still claimed but not dispatched. */
export const outboxState = async (publisher: ModuleDb) => {
  const rows: Array<{ id: string; dispatched_at: string | null; claimed_by: string | null }> = await publisher
    .knex('outbox')
    .select('id', 'dispatched_at', 'claimed_by');
  return {
    total: rows.length,
    dispatched: rows
      .filter((row) => row.dispatched_at !== null)
      .map((row) => row.id)
      .sort(),
    claimed: rows.filter((row) => row.dispatched_at === null && row.claimed_by !== null).length,
  };
};

/** The distinct event ids a consumer recorded effects for, sorted (comparable with {@link outboxState}'s `dispatched`). */
export const effectIds = async (db: ModuleDb) =>
  [...new Set((await db.knex('effects').select('event_id')).map((row: { event_id: string }) => row.event_id))].sort();

/**
 * The pipeline's builders, for one describe block: everything they open, start or spawn is closed,
 * stopped or killed after each test (in reverse order), so call it inside the describe.
 */
export function useMemoryBusPipeline() {
  const cleanups: Array<() => Promise<void>> = [];
  const outboxes = new Map<ModuleDb, Outbox>();
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A data dir with the publisher's outbox and the given consumers' inbox + effects tables, each module its own file. */
  const setup = async (consumers: string[]) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'outbox-memory-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const open = async (module: string, migrations: Parameters<ModuleDb['migrate']>[0], outbox?: Outbox) => {
      const db = await openModuleDb(module, { dataDir }, outbox);
      await db.migrate(migrations);
      cleanups.push(() => db.close());
      return db;
    };
    const outbox = new Outbox(PUBLISHER);
    const publisher = await open(PUBLISHER, [outboxMigration], outbox);
    outboxes.set(publisher, outbox);
    const consumerDbs = new Map<string, ModuleDb>();
    for (const consumer of consumers)
      consumerDbs.set(consumer, await open(consumer, [inboxMigration, effectsMigration]));
    return { dataDir, publisher, consumerDbs };
  };

  /** A relay over the publisher's outbox (woken by its commits) and a memory bus routing to `consumers`. */
  const startPipeline = (publisher: ModuleDb, consumers: string[], relayOptions: Partial<OutboxRelayOptions> = {}) => {
    const { logger, lines } = captureLogger();
    const metrics = testMetrics();
    const bus = new MemoryEventBus(routing({ [thingHappened.name]: consumers }), logger, metrics);
    const relay = new OutboxRelay({
      module: PUBLISHER,
      db: publisher,
      bus,
      outbox: outboxes.get(publisher)!,
      logger,
      metrics,
      pollIntervalMs: 100,
      ...relayOptions,
    });
    cleanups.push(async () => {
      await relay.stop();
      await bus.close();
    });
    const commit = (value: number) => publisher.sql.transaction((tx) => tx.publish(thingHappened, { n: value }));
    return { bus, relay, commit, lines, metrics };
  };

  /** Runs test/support/events-outbox-child.ts over `dataDir` until it has committed its events and recorded `minEffects` effects. */
  const runChild = async (dataDir: string, consumerDb: ModuleDb, minEffects: number) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/support/events-outbox-child.ts')], {
      env: { ...process.env, OUTBOX_CHILD_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    cleanups.push(async () => void (child.exitCode === null && child.signalCode === null && child.kill('SIGKILL')));
    await eventually('the child to commit its events', () => output.includes('committed'), {
      timeoutMs: 20_000,
      everyMs: 10,
    });
    await eventually(
      `${minEffects} effects in the child`,
      async () => (await effectsIn(consumerDb.knex)).total >= minEffects,
      { timeoutMs: 20_000, everyMs: 5 },
    );
    return { child, exited, output: () => output };
  };

  /** The "restarted process": a relay, memory bus and consumer over the same files; resolves once all is delivered. */
  const restartAndDrain = async (publisher: ModuleDb, consumerDb: ModuleDb) => {
    const { bus, relay } = startPipeline(publisher, [OUTBOX_CHILD.consumer]);
    let duplicatesDropped = 0;
    const effect = recordEffectTaking(0);
    await bus.consume(
      OUTBOX_CHILD.consumer,
      async (event) => void ((await effect(consumerDb.knex, event)) || duplicatesDropped++),
    );
    relay.start();
    await eventually('the backlog to drain after the restart', async () => (await relay.backlog()) === 0, {
      timeoutMs: 15_000,
      everyMs: 50,
    });
    await sleep(200); // room for a (wrong) extra delivery
    return { duplicatesDropped };
  };

  return { setup, startPipeline, runChild, restartAndDrain };
}
