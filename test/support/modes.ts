import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
// @ts-expect-error plain ESM launcher without types
import { startSplit } from '../../deploy/split.mjs';
import { httpClient, type HttpCall } from './http.js';
import { createTestDatabase, uniqueRedisPrefix } from './services.js';
import { ADMIN, startTestShop } from './shop.js';

/** A running shop in some mode, reached over HTTP, with the bootstrap admin {@link ADMIN}. */
export interface RunningShop {
  call: HttpCall;
  /** Stops every process and removes what the start created (database, Redis keys, data directory). */
  stop(): Promise<void>;
}

/** The monolith: every module in this process, SQLite files and the in-process bus. */
export async function startMonolith(): Promise<RunningShop> {
  const shop = await startTestShop();
  return { call: shop.request, stop: () => shop.stop() };
}

/**
 * Split mode from the TypeScript sources: six processes (gateway and one per module) on a random
 * base port, each module in its own schema of a fresh PostgreSQL database, events through BullMQ
 * under a fresh Redis prefix. Needs PostgreSQL and Redis (check with requirePostgres/requireRedis).
 */
export async function startSplitMode(label: string, env: Record<string, string> = {}): Promise<RunningShop> {
  // Below the ephemeral range (32768+), where servers on port 0 and outgoing connections never land.
  const basePort = 10000 + Math.floor(Math.random() * 20000);
  const database = await createTestDatabase(label);
  const redis = uniqueRedisPrefix(label);
  const dataDir = mkdtempSync(path.join(tmpdir(), `shop-${label}-`));
  const cleanup = async () => {
    await database.drop();
    await redis.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let split: { urls: Record<string, string>; stop(): Promise<void> };
  try {
    split = await startSplit({
      basePort,
      entry: ['--import', 'tsx', 'src/main.ts'],
      env: {
        DATABASE_URL: database.url,
        BULLMQ_PREFIX: redis.prefix,
        DATA_DIR: dataDir,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        SEED_DEMO_CATALOG: 'false',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
        // Scenarios poll from one address; the edge limit is the subject of its own tests.
        RATE_LIMIT_PER_MINUTE: '0',
        ...env,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    call: httpClient(split.urls.gateway),
    async stop() {
      await split.stop();
      await cleanup();
    },
  };
}
