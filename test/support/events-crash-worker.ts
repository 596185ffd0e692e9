/**
 * A consumer process for the kill test: records each event's effect through the inbox in a SQLite
 * file, slowly, so the parent can SIGKILL it mid-batch. Configured through the environment.
 */
import { createMetrics } from '../../src/platform/telemetry/metrics.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { openModuleDb } from '../../src/platform/db/module-db.js';
import { connectBus, type BusKind } from './bus-harness.js';
import { recordSlowEffect, CRASH_TEST_BUS_OPTIONS } from './events-crash-effect.js';

const { CRASH_BUS, CRASH_URL, CRASH_PREFIX, CRASH_DATA_DIR, CRASH_MODULE } = process.env as Record<string, string>;
const db = await openModuleDb(CRASH_MODULE, { dataDir: CRASH_DATA_DIR });
const bus = await connectBus(
  { kind: CRASH_BUS as BusKind, url: CRASH_URL, prefix: CRASH_PREFIX },
  { 'thing.happened': [CRASH_MODULE] },
  createLogger('warn'),
  createMetrics(),
  CRASH_TEST_BUS_OPTIONS,
);
await bus.consume(CRASH_MODULE, async (event) => void (await recordSlowEffect(db.knex, event)));
