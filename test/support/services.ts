import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

/** Admin URL of the test PostgreSQL server (trust auth). */
export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The shared test Redis; tests isolate themselves by key prefix, never by stopping or flushing it. */
export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const inCi = process.env.CI === 'true';

// CI must not pass by skipping: there an unreachable service is a failure. Locally, skip and say why.
function unavailable(service: string, error: unknown): false {
  const reason = `${service} unreachable (${error instanceof Error ? error.message : String(error)})`;
  if (inCi) throw new Error(`${reason}; CI=true requires it`);
  console.warn(`skipping tests that need ${reason}`);
  return false;
}

/** True when PostgreSQL answers; false (with a printed reason) otherwise; throws when CI=true. */
export async function requirePostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    return unavailable(`PostgreSQL at ${POSTGRES_URL}`, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** True when Redis answers PING; false (with a printed reason) otherwise; throws when CI=true. */
export async function requireRedis(): Promise<boolean> {
  const client = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  let socketError: unknown;
  client.on('error', (error) => (socketError ??= error));
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch (error) {
    return unavailable(`Redis at ${REDIS_URL}`, socketError ?? error);
  } finally {
    client.disconnect();
  }
}

/** A short random suffix for database names, key prefixes and the like. */
export const uniqueSuffix = (): string => `${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

/** Creates a throwaway database; `drop` removes it even if connections are still open. */
export async function createTestDatabase(
  label = 'test',
): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `${label.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${uniqueSuffix()}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), name, drop: () => adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh key prefix for one test run, plus the cleanup that deletes every key under it. */
export function uniqueRedisPrefix(label = 'test'): { prefix: string; cleanup(): Promise<void> } {
  const prefix = `${label}-${uniqueSuffix()}`;
  return { prefix, cleanup: () => deleteRedisKeys(`${prefix}:*`) };
}

async function deleteRedisKeys(pattern: string): Promise<void> {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
