import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
// @ts-expect-error plain ESM launcher without types
import { startSplit } from '../../deploy/split.mjs';
import { httpClient, type HttpCall } from './http.js';
import { createTestDatabase, uniqueRedisPrefix } from './services.js';
import { createTestVhost } from './rabbitmq.js';
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

/** One process of split mode, as deploy/split.mjs started it. */
export interface SplitInstance {
  name: string;
  label: string;
  url: string;
  child: ChildProcess;
}

/** What deploy/split.mjs's startSplit resolves with (see there). */
export interface SplitProcesses {
  urls: Record<string, string>;
  instances: SplitInstance[];
  children: ChildProcess[];
  restart(instance: SplitInstance | string): Promise<SplitInstance>;
  stop(signal?: string): Promise<void>;
  secret: string;
  moduleUrls: Record<string, string>;
}

export interface SplitModeOptions {
  /** Added to (or overriding) every process's environment. */
  env?: Record<string, string>;
  /** Instances per module (e.g. `{ orders: 2 }`). */
  instances?: Record<string, number>;
  /** The children's stdio (default: only stderr, inherited). */
  stdio?: unknown;
  /** The event bus between the processes: BullMQ (default) or RabbitMQ (in a vhost of its own). */
  bus?: 'bullmq' | 'rabbitmq';
  /** Node arguments of some instances, by label, instead of this tree's sources (another build). */
  entries?: Record<string, string[]>;
  /** How long each process has to become ready (60 s unless given). */
  readyTimeoutMs?: number;
  /** The first port of the layout (deploy/split.mjs), random unless given. */
  basePort?: number;
  /** Added to the environment of one process name's instances only (see deploy/split.mjs), given the shared one. */
  instanceEnv?: (env: Record<string, string>) => Record<string, Record<string, string>>;
}

export interface RunningSplit extends RunningShop {
  processes: SplitProcesses;
  /** The environment the processes got, for a test that starts one more by hand. */
  env: Record<string, string>;
}

/** Below the ephemeral range (32768+), where servers on port 0 and outgoing connections never land. */
export const randomBasePort = (): number => 10000 + Math.floor(Math.random() * 20000);

/**
 * Split mode from the TypeScript sources: the gateway and one process per module (or more, with
 * `instances`) on a random base port, each module in its own schema of a fresh PostgreSQL database,
 * events through BullMQ under a fresh Redis prefix (or, with `bus: 'rabbitmq'`, through RabbitMQ in a
 * fresh vhost), no demo catalog, the edge limit and the fair shares off (tests call from one address,
 * in bursts; both have tests of their own). Needs PostgreSQL and Redis, and RabbitMQ for that bus
 * (check with requirePostgres, requireRedis, requireRabbitmq).
 */
export async function startSplitMode(label: string, options: SplitModeOptions = {}): Promise<RunningSplit> {
  const basePort = options.basePort ?? randomBasePort();
  const database = await createTestDatabase(label);
  const redis = uniqueRedisPrefix(label);
  const vhost = options.bus === 'rabbitmq' ? await createTestVhost(label) : undefined;
  const dataDir = mkdtempSync(path.join(tmpdir(), `shop-${label}-`));
  const cleanup = async () => {
    await database.drop();
    await redis.cleanup();
    await vhost?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const env = {
    DATABASE_URL: database.url,
    BULLMQ_PREFIX: redis.prefix,
    ...(vhost ? { EVENT_BUS: 'rabbitmq', RABBITMQ_URL: vhost.url } : {}),
    DATA_DIR: dataDir,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    SEED_DEMO_CATALOG: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    RATE_LIMIT_PER_MINUTE: '0',
    BULKHEAD_CLIENT_SHARE: '100',
    ...options.env,
  };
  let processes: SplitProcesses;
  try {
    processes = await startSplit({
      basePort,
      entry: ['--import', 'tsx', 'src/main.ts'],
      env,
      instances: options.instances,
      entries: options.entries,
      instanceEnv: options.instanceEnv?.(env),
      readyTimeoutMs: options.readyTimeoutMs,
      stdio: options.stdio ?? ['ignore', 'ignore', 'inherit'],
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  return {
    call: httpClient(processes.urls.gateway),
    processes,
    env,
    async stop() {
      await processes.stop();
      await cleanup();
    },
  };
}
