import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { expect, it } from 'vitest';
import { openModuleDb } from '../db/module-db.js';
import { captureLogger, envelope, routing, sleep, testMetrics } from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import {
  CRASH_TEST_BUS_OPTIONS,
  effectsMigration,
  recordSlowEffect,
} from '../../../test/support/events-crash-effect.js';
import { REDIS_URL, requireRedis, uniqueRedisPrefix } from '../../../test/support/services.js';
import { BullmqEventBus } from './bullmq-event-bus.js';
import { queueName } from './bullmq-options.js';
import { inboxMigration } from './inbox.js';

const MODULE = 'crashy';
const enabled = await requireRedis();

it.skipIf(!enabled)(
  'completes every job exactly once in effect after a worker is SIGKILLed mid-batch',
  async () => {
    const { prefix, cleanup } = uniqueRedisPrefix('events-crash-test');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'events-crash-'));
    const db = await openModuleDb(MODULE, { dataDir });
    const inspector = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const routes = routing({ 'thing.happened': [MODULE] });
    const bus = new BullmqEventBus(
      { redisUrl: REDIS_URL, prefix },
      routes,
      captureLogger().logger,
      testMetrics(),
      CRASH_TEST_BUS_OPTIONS,
    );
    const effects = async () => {
      const [row] = await db
        .knex('effects')
        .select(db.knex.raw('count(*) as total, count(distinct event_id) as distinct_ids'));
      return { total: Number(row.total), distinct: Number(row.distinct_ids) };
    };
    try {
      await db.migrate([inboxMigration, effectsMigration]);
      for (let n = 0; n < 100; n++) await bus.publish(envelope(n));

      const child = spawn(process.execPath, ['--import', 'tsx', path.resolve('test/support/events-crash-worker.ts')], {
        env: {
          ...process.env,
          CRASH_REDIS_URL: REDIS_URL,
          CRASH_PREFIX: prefix,
          CRASH_DATA_DIR: dataDir,
          CRASH_MODULE: MODULE,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      await eventually('the child worker to get going', async () => (await effects()).total >= 25, {
        timeoutMs: 20_000,
        everyMs: 10,
      });
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      const queue = new Queue(queueName(MODULE), { connection: inspector, prefix });
      // Killed mid-batch, really: effects missing and jobs still locked by the dead worker.
      expect((await effects()).total).toBeLessThan(100);
      expect((await queue.getJobCounts('active')).active).toBeGreaterThan(0);

      let duplicatesDropped = 0;
      await bus.consume(
        MODULE,
        async (event) => void ((await recordSlowEffect(db.knex, event)) || duplicatesDropped++),
      );
      await eventually(
        'all 100 jobs completed',
        async () => (await queue.getJobCounts('completed')).completed === 100,
        { timeoutMs: 20_000, everyMs: 50 },
      );
      await sleep(200);
      expect(await effects()).toEqual({ total: 100, distinct: 100 });
      expect(await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')).toEqual({
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
        completed: 100,
      });
      console.info(`crash test: ${duplicatesDropped} redelivered job(s) dropped by the inbox`);
      await queue.close();
    } finally {
      await bus.close();
      inspector.disconnect();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
      await cleanup();
    }
  },
  45_000,
);
