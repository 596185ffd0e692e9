import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadShopConfig, MODULES } from '../../src/main.js';
import { MODULE_NAMES } from '../../src/platform/kernel/config.js';
import { startGateway } from '../../src/platform/gateway/gateway.js';
import { startHost } from '../../src/platform/process/host.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { captureLogger } from '../support/events-fixtures.js';
import { TcpProxy } from '../support/events-tcp-proxy.js';
import { eventually } from '../support/eventually.js';
import { httpClient, request, type ApiResponse, type HttpCall } from '../support/http.js';
import { REDIS_URL, requireRedis, uniqueRedisPrefix } from '../support/services.js';
import { startTestShop, type TestShop } from '../support/shop.js';

/** The edge limit where it counts in Redis: gateways (and a monolith on BullMQ) sharing one budget. */

const enabled = await requireRedis();
const SECRET = 'rate-limit-test-secret-0123456789abcdef';

const remaining = (response: ApiResponse) =>
  Number(/^"per-address";r=(\d+);t=\d+$/.exec(response.headers.get('ratelimit') ?? '')?.[1]);
const storeFailures = async (call: HttpCall) =>
  Number(/^rate_limit_store_failures_total (\d+)$/m.exec((await call('GET', '/metrics')).body)?.[1]);

describe.skipIf(!enabled)('the edge limit counted in Redis', () => {
  const { prefix, cleanup } = uniqueRedisPrefix('ratelimit-test');
  const redis = new Redis(REDIS_URL, { lazyConnect: true });
  const stops: Array<() => Promise<void>> = [];
  let backend: TestShop;

  /** A gateway in this process in front of `backend`, counting under the test's Redis prefix. */
  async function gateway(env: Record<string, string>, logger = createLogger('silent')) {
    const urls = Object.fromEntries(MODULE_NAMES.map((name) => [`${name.toUpperCase()}_URL`, backend.url]));
    const config = loadShopConfig({
      MODULES: 'gateway',
      PORT: '0',
      INTERNAL_TOKEN_SECRET: SECRET,
      REDIS_URL,
      BULLMQ_PREFIX: prefix,
      ...urls,
      ...env,
    });
    const started = await startGateway(config, MODULES, logger);
    stops.push(() => started.stop());
    return httpClient(started.url);
  }

  beforeAll(async () => {
    await redis.connect();
    // The modules behind the gateways: the monolith, which does not limit here (startTestShop sets 0).
    backend = await startTestShop();
    stops.push(() => backend.stop());
  });
  afterAll(async () => {
    // Every process stopped and the keys deleted even when one stop fails; the first failure is reported.
    const failures: unknown[] = [];
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => failures.push(error));
    await cleanup();
    redis.disconnect();
    if (failures.length > 0) throw failures[0];
  });

  it('enforces one budget across two gateways: 6 answered between them, then 429 on both', async () => {
    const [first, second] = [
      await gateway({ RATE_LIMIT_PER_MINUTE: '6' }),
      await gateway({ RATE_LIMIT_PER_MINUTE: '6' }),
    ];
    const answered: ApiResponse[] = [];
    for (let n = 0; n < 6; n++) answered.push(await (n % 2 === 0 ? first : second)('GET', '/api/v1/products'));
    expect(answered.map((r) => [r.status, remaining(r)])).toEqual([
      [200, 5],
      [200, 4],
      [200, 3],
      [200, 2],
      [200, 1],
      [200, 0],
    ]);
    const refused = [await first('GET', '/api/v1/products'), await second('GET', '/api/v1/products')];
    expect(refused.map((r) => [r.status, r.body.code, r.headers.get('ratelimit-policy')])).toEqual([
      [429, 'rate_limited', '"per-address";q=6;w=60'],
      [429, 'rate_limited', '"per-address";q=6;w=60'],
    ]);
    for (const response of refused) expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const key = `${prefix}:ratelimit:127.0.0.1`;
    expect(Number(await redis.get(key))).toBe(8);
    expect(await redis.ttl(key)).toBeGreaterThan(0);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(60);
    // Another address through the same gateways has its own budget.
    const other = await first('GET', '/api/v1/products', { localAddress: '127.0.0.2' });
    expect([other.status, remaining(other)]).toEqual([200, 5]);
  });

  it('lets traffic through while Redis is unreachable, without delay, warning once and counting in memory', async () => {
    const target = new URL(REDIS_URL);
    const proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    stops.push(() => proxy.close());
    const { logger, lines } = captureLogger('warn');
    const call = await gateway({ RATE_LIMIT_PER_MINUTE: '20', REDIS_URL: `redis://127.0.0.1:${proxy.port}` }, logger);
    const key = `${prefix}:ratelimit:127.0.0.3`;
    const send = () => call('GET', '/api/v1/products', { localAddress: '127.0.0.3' });

    expect([(await send()).status, (await send()).status]).toEqual([200, 200]);
    expect(Number(await redis.get(key))).toBe(2);

    proxy.cut();
    // ioredis notices the closed socket within a moment; a request sent in that moment would wait the command timeout.
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Eight requests over 2.4 s: Redis is tried again after each 1 s cool-down, and fails each time.
    const during: Array<{ status: number; ms: number; remaining: number }> = [];
    for (let n = 0; n < 8; n++) {
      const started = performance.now();
      const response = await send();
      during.push({ status: response.status, ms: performance.now() - started, remaining: remaining(response) });
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    // Counted in this gateway's memory meanwhile, from a fresh window: 19 down to 12 left.
    expect(during.map(({ status, remaining }) => [status, remaining])).toEqual(
      [19, 18, 17, 16, 15, 14, 13, 12].map((left) => [200, left]),
    );
    // A dead Redis adds no wait: none as long as the 200 ms command timeout (or an offline queue's reconnect).
    expect(Math.max(...during.map(({ ms }) => ms))).toBeLessThan(190);
    expect(await storeFailures(call)).toBe(8);
    expect(Number(await redis.get(key))).toBe(2);
    // One line for the whole outage, however many requests and reconnect attempts failed.
    const warnings = lines.filter((line) => /Redis unreachable for rate limits/.test(String(line.msg)));
    expect(warnings).toHaveLength(1);

    proxy.restore();
    // Back in Redis once the connection returns (ioredis reconnects within 2 s, the cool-down is 1 s).
    await eventually(
      'counting in Redis again',
      async () => (await send()).status === 200 && Number(await redis.get(key)) > 2,
      {
        timeoutMs: 10_000,
        everyMs: 250,
      },
    );
    const before = Number(await redis.get(key));
    await send();
    expect(Number(await redis.get(key))).toBe(before + 1);
  });

  it('counts a monolith on EVENT_BUS=bullmq in Redis too', async () => {
    const shop = await startTestShop({
      EVENT_BUS: 'bullmq',
      REDIS_URL,
      BULLMQ_PREFIX: prefix,
      RATE_LIMIT_PER_MINUTE: '2',
    });
    stops.push(() => shop.stop());
    const statuses: number[] = [];
    for (let n = 0; n < 3; n++)
      statuses.push((await shop.request('GET', '/api/v1/products', { localAddress: '127.0.0.4' })).status);
    expect(statuses).toEqual([200, 200, 429]);
    expect(Number(await redis.get(`${prefix}:ratelimit:127.0.0.4`))).toBe(3);
  });

  it('does not limit a module process behind the gateway, where every client has the gateway address', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'ratelimit-catalog-'));
    const config = loadShopConfig({
      MODULES: 'catalog',
      PORT: '0',
      DATA_DIR: dataDir,
      SEED_DEMO_CATALOG: 'false',
      INTERNAL_TOKEN_SECRET: SECRET,
      USERS_URL: backend.url,
      REDIS_URL,
      BULLMQ_PREFIX: prefix,
      RATE_LIMIT_PER_MINUTE: '2',
    });
    const host = await startHost(config, MODULES, createLogger('silent'));
    stops.push(async () => {
      await host.stop();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const responses: ApiResponse[] = [];
    for (let n = 0; n < 4; n++)
      responses.push(await request(host.url, 'GET', '/api/v1/products', { localAddress: '127.0.0.5' }));
    expect(responses.map((r) => [r.status, r.headers.has('ratelimit')])).toEqual(Array(4).fill([200, false]));
    expect(await redis.exists(`${prefix}:ratelimit:127.0.0.5`)).toBe(0);
  });
});
