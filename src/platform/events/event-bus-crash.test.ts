import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openModuleDb } from '../db/module-db.js';
import { busHarnesses } from '../../../test/support/bus-harness.js';
import { sleep } from '../../../test/support/events-fixtures.js';
import { envelope } from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import {
  CRASH_TEST_BUS_OPTIONS,
  effectsMigration,
  recordSlowEffect,
} from '../../../test/support/events-crash-effect.js';
import { inboxMigration } from './inbox.js';

const MODULE = 'crashy';
const ROUTES = { 'thing.happened': [MODULE] };

describe.each(await busHarnesses('events-crash-test'))('a consumer killed mid-batch ($name)', (bus) => {
  beforeAll(async () => bus.enabled && (await bus.setUp()));
  afterAll(async () => bus.enabled && (await bus.tearDown()));

  it.skipIf(!bus.enabled)(
    'completes every event exactly once in effect after the consumer process is SIGKILLed mid-batch',
    async () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'events-crash-'));
      const db = await openModuleDb(MODULE, { dataDir });
      const effects = async () => {
        const [row] = await db
          .knex('effects')
          .select(db.knex.raw('count(*) as total, count(distinct event_id) as distinct_ids'));
        return { total: Number(row.total), distinct: Number(row.distinct_ids) };
      };
      try {
        await db.migrate([inboxMigration, effectsMigration]);
        const publisher = await bus.connect(ROUTES, CRASH_TEST_BUS_OPTIONS);
        for (let n = 0; n < 100; n++) await publisher.publish(envelope(n));

        const { kind, url, prefix } = bus.address();
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', path.resolve('test/support/events-crash-worker.ts')],
          {
            env: {
              ...process.env,
              CRASH_BUS: kind,
              CRASH_URL: url,
              CRASH_PREFIX: prefix,
              CRASH_DATA_DIR: dataDir,
              CRASH_MODULE: MODULE,
            },
            stdio: ['ignore', 'ignore', 'inherit'],
          },
        );
        const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
        await eventually('the child consumer to get going', async () => (await effects()).total >= 25, {
          timeoutMs: 20_000,
          everyMs: 10,
        });
        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');
        // Killed mid-batch, really: effects missing and events still in the broker, unacknowledged.
        expect((await effects()).total).toBeLessThan(100);
        expect((await bus.queue(MODULE)).pending).toBeGreaterThan(0);

        let duplicatesDropped = 0;
        const consumer = await bus.connect(ROUTES, CRASH_TEST_BUS_OPTIONS);
        await consumer.consume(
          MODULE,
          async (event) => void ((await recordSlowEffect(db.knex, event)) || duplicatesDropped++),
        );
        await eventually('all 100 effects', async () => (await effects()).total >= 100, {
          timeoutMs: 20_000,
          everyMs: 50,
        });
        await eventually('the queue drained', async () => (await bus.queue(MODULE)).pending === 0, {
          timeoutMs: 20_000,
        });
        await sleep(200);
        expect(await effects()).toEqual({ total: 100, distinct: 100 });
        expect(await bus.queue(MODULE)).toEqual({ pending: 0, failed: 0 });
        console.info(`crash test (${bus.name}): ${duplicatesDropped} redelivered event(s) dropped by the inbox`);
      } finally {
        await db.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    45_000,
  );
});
