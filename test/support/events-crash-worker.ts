/**
 * A consumer process for the kill test: records each event's effect through the inbox in a SQLite
 * file, slowly, so the parent can SIGKILL it mid-batch. Configured through the environment.
 */
import { createMetrics } from '../../src/platform/telemetry/metrics.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { openModuleDb } from '../../src/platform/db/module-db.js';
import { BullmqEventBus } from '../../src/platform/events/bullmq-event-bus.js';
import { recordSlowEffect, CRASH_TEST_BUS_OPTIONS } from './events-crash-effect.js';

const { CRASH_REDIS_URL, CRASH_PREFIX, CRASH_DATA_DIR, CRASH_MODULE } = process.env as Record<string, string>;
const db = await openModuleDb(CRASH_MODULE, { dataDir: CRASH_DATA_DIR });
const routing = new Map([['thing.happened', [CRASH_MODULE]]]);
const bus = new BullmqEventBus(
  { redisUrl: CRASH_REDIS_URL, prefix: CRASH_PREFIX },
  routing,
  createLogger('warn'),
  createMetrics(),
  CRASH_TEST_BUS_OPTIONS,
);
await bus.consume(CRASH_MODULE, async (event) => void (await recordSlowEffect(db.knex, event)));
