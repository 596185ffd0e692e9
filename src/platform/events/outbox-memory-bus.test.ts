import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { openModuleDb, type ModuleDb } from '../db/module-db.js';
import { effectsMigration, recordEffectTaking } from '../../../test/support/events-crash-effect.js';
import {
  captureLogger,
  metricValue,
  routing,
  sleep,
  testMetrics,
  thingHappened,
} from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import { OUTBOX_CHILD } from '../../../test/support/events-outbox-child.js';
import type { EventEnvelope } from './event.js';
import { consumeOnce, inboxMigration } from './inbox.js';
import { MemoryEventBus } from './memory-event-bus.js';
import { Outbox, OutboxRelay, outboxMigration, type OutboxRelayOptions } from './outbox.js';

const PUBLISHER = 'orders';
const n = (event: EventEnvelope) => (event.payload as { n: number }).n;

/** Effects recorded in a consumer's own database: total rows and distinct event ids (no unique key, so doubles show). */
const effectsIn = async (knex: Knex) => {
  const [row] = await knex('effects').select(knex.raw('count(*) as total, count(distinct event_id) as distinct_ids'));
  return { total: Number(row.total), distinct: Number(row.distinct_ids) };
};

describe('OutboxRelay with the MemoryEventBus on SQLite (monolith mode)', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A data dir with the publisher's outbox and the given consumers' inbox + effects tables, each module its own file. */
  const setup = async (consumers: string[]) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'outbox-memory-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const open = async (module: string, migrations: Parameters<ModuleDb['migrate']>[0]) => {
      const db = await openModuleDb(module, { dataDir });
      await db.migrate(migrations);
      cleanups.push(() => db.close());
      return db;
    };
    const publisher = await open(PUBLISHER, [outboxMigration]);
    const consumerDbs = new Map<string, ModuleDb>();
    for (const consumer of consumers)
      consumerDbs.set(consumer, await open(consumer, [inboxMigration, effectsMigration]));
    return { dataDir, publisher, consumerDbs };
  };

  const startPipeline = (publisher: ModuleDb, consumers: string[], relayOptions: Partial<OutboxRelayOptions> = {}) => {
    const { logger, lines } = captureLogger();
    const metrics = testMetrics();
    const bus = new MemoryEventBus(routing({ [thingHappened.name]: consumers }), logger, metrics);
    const outbox = new Outbox(PUBLISHER);
    const relay = new OutboxRelay({
      module: PUBLISHER,
      db: publisher,
      bus,
      outbox,
      logger,
      metrics,
      pollIntervalMs: 100,
      ...relayOptions,
    });
    cleanups.push(async () => {
      await relay.stop();
      await bus.close();
    });
    const commit = (value: number) => publisher.knex.transaction((trx) => outbox.add(trx, thingHappened, { n: value }));
    return { bus, relay, outbox, commit, lines, metrics };
  };

  it('delivers exactly 10 effects to a consumer failing on 3 of 10 events then recovering, and exactly 10 to a second consumer (through the inbox)', async () => {
    const { publisher, consumerDbs } = await setup(['flaky', 'steady']);
    const { bus, relay, commit } = startPipeline(publisher, ['flaky', 'steady'], { retryBaseMs: 20 });
    const failing = new Set([2, 5, 8]);
    let flakyFailures = 0;
    let steadyDuplicates = 0;
    await bus.consume('flaky', async (event) => {
      await consumeOnce(consumerDbs.get('flaky')!.knex, event, async (trx) => {
        if (failing.delete(n(event))) {
          flakyFailures++;
          throw new Error(`transient failure on ${n(event)}`);
        }
        await trx('effects').insert({ event_id: event.id });
      });
    });
    await bus.consume('steady', async (event) => {
      const applied = await consumeOnce(
        consumerDbs.get('steady')!.knex,
        event,
        async (trx) => void (await trx('effects').insert({ event_id: event.id })),
      );
      if (!applied) steadyDuplicates++;
    });
    relay.start();

    for (let value = 0; value < 10; value++) await commit(value);
    await eventually('backlog drained', async () => (await relay.backlog()) === 0, { timeoutMs: 10_000 });
    await sleep(200); // room for a (wrong) extra delivery

    expect(flakyFailures).toBe(3);
    expect(await effectsIn(consumerDbs.get('flaky')!.knex)).toEqual({ total: 10, distinct: 10 });
    expect(await effectsIn(consumerDbs.get('steady')!.knex)).toEqual({ total: 10, distinct: 10 });
    // The steady consumer saw the 3 failed events again; its inbox dropped them.
    expect(steadyDuplicates).toBe(3);
    const rows = await publisher.knex('outbox').select('attempts', 'dispatched_at', 'dead_lettered_at', 'last_error');
    expect(rows.filter((row) => row.dispatched_at !== null)).toHaveLength(10);
    expect(rows.map((row) => Number(row.attempts)).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(
      rows
        .filter((row) => row.last_error !== null)
        .every((row) => String(row.last_error).includes('transient failure')),
    ).toBe(true);
  });

  it('dead-letters a poison event after N attempts while 20 events published after it are all delivered (no head-of-line blocking)', async () => {
    const { publisher, consumerDbs } = await setup(['picky']);
    const maxAttempts = 4;
    const { bus, relay, commit, lines, metrics } = startPipeline(publisher, ['picky'], {
      maxAttempts,
      retryBaseMs: 100,
    });
    const db = consumerDbs.get('picky')!;
    let poisonAttempts = 0;
    await bus.consume('picky', async (event) => {
      await consumeOnce(db.knex, event, async (trx) => {
        if (n(event) === -1) {
          poisonAttempts++;
          throw new Error('cannot handle this event, ever');
        }
        await trx('effects').insert({ event_id: event.id });
      });
    });
    relay.start();

    await commit(-1);
    await eventually('the poison event’s first failure', () => poisonAttempts === 1);
    for (let value = 0; value < 20; value++) await commit(value);
    await eventually('the 20 later events', async () => (await effectsIn(db.knex)).total === 20, { timeoutMs: 10_000 });
    // Delivered while the poison event was still waiting for its retries.
    expect(poisonAttempts).toBeLessThan(maxAttempts);
    expect(lines.filter((line) => line.level === 50)).toHaveLength(0);

    await eventually('the dead letter', () => lines.some((line) => line.level === 50), { timeoutMs: 10_000 });
    await sleep(300); // room for a (wrong) further attempt
    expect(poisonAttempts).toBe(maxAttempts);
    expect(await effectsIn(db.knex)).toEqual({ total: 20, distinct: 20 });
    expect(lines.filter((line) => line.level === 50)).toMatchObject([
      { module: PUBLISHER, consumers: ['picky'], event: thingHappened.name, attempt: maxAttempts },
    ]);
    expect(
      await metricValue(metrics, 'events_dead_lettered_total', { module: 'picky', event: thingHappened.name }),
    ).toBe(1);
    const poison = await publisher.knex('outbox').where('envelope', 'like', '%"n":-1%').first();
    expect(poison).toMatchObject({ dispatched_at: null, claimed_by: null });
    expect(Number(poison.attempts)).toBe(maxAttempts);
    expect(poison.dead_lettered_at).not.toBeNull();
    expect(poison.last_error).toContain('cannot handle this event, ever');
    expect(await relay.backlog()).toBe(0); // dead letters are not backlog
    expect(Number((await publisher.knex('outbox').whereNotNull('dispatched_at').count({ c: '*' }))[0].c)).toBe(20);
  });

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

  const outboxState = async (publisher: ModuleDb) => {
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

  const effectIds = async (db: ModuleDb) =>
    [...new Set((await db.knex('effects').select('event_id')).map((row: { event_id: string }) => row.event_id))].sort();

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

  it('commit, then the process dies (SIGKILL) before delivery: after restart exactly 50 distinct effects, none missing, none doubled', async () => {
    const { dataDir, publisher, consumerDbs } = await setup([OUTBOX_CHILD.consumer]);
    const consumerDb = consumerDbs.get(OUTBOX_CHILD.consumer)!;
    const { child, exited } = await runChild(dataDir, consumerDb, 10);
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');

    // Killed mid-way, really: all 50 committed, some delivered, some not.
    const atKill = await outboxState(publisher);
    expect(atKill.total).toBe(OUTBOX_CHILD.events);
    expect((await effectsIn(consumerDb.knex)).total).toBeLessThan(OUTBOX_CHILD.events);
    expect(atKill.dispatched.length).toBeLessThan(OUTBOX_CHILD.events);
    // The point of the fix: a row is marked dispatched only once its effect is committed.
    const delivered = new Set(await effectIds(consumerDb));
    expect(atKill.dispatched.filter((id) => !delivered.has(id))).toEqual([]);

    const { duplicatesDropped } = await restartAndDrain(publisher, consumerDb);
    expect(await effectsIn(consumerDb.knex)).toEqual({ total: 50, distinct: 50 });
    const after = await outboxState(publisher);
    expect(after.dispatched).toHaveLength(50);
    expect(await effectIds(consumerDb)).toEqual(after.dispatched);
    console.info(
      `outbox kill test: ${atKill.dispatched.length} dispatched before the kill, ${duplicatesDropped} redelivery(ies) dropped by the inbox`,
    );
  }, 60_000);

  it('graceful stop mid-way (relay.stop(), bus.close()): nothing accepted is dropped, and after restart exactly 50 effects', async () => {
    const { dataDir, publisher, consumerDbs } = await setup([OUTBOX_CHILD.consumer]);
    const consumerDb = consumerDbs.get(OUTBOX_CHILD.consumer)!;
    const { child, exited, output } = await runChild(dataDir, consumerDb, 10);
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output()).toContain('stopped');

    // Stopped mid-way, after finishing its batch in flight: every dispatched row has its effect and
    // every effect its dispatched row; nothing is left claimed.
    const atStop = await outboxState(publisher);
    expect(atStop.total).toBe(OUTBOX_CHILD.events);
    expect(atStop.dispatched.length).toBeLessThan(OUTBOX_CHILD.events);
    expect(atStop.claimed).toBe(0);
    expect(await effectIds(consumerDb)).toEqual(atStop.dispatched);

    const { duplicatesDropped } = await restartAndDrain(publisher, consumerDb);
    expect(await effectsIn(consumerDb.knex)).toEqual({ total: 50, distinct: 50 });
    expect((await outboxState(publisher)).dispatched).toHaveLength(50);
    expect(duplicatesDropped).toBe(0);
  }, 60_000);
});
