import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSharedCache } from '../../src/platform/gateway/shared-cache.js';
import { problemHandler } from '../../src/platform/http/problem.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { Upstream } from '../../src/platform/discovery/upstream.js';
import { eventually } from '../support/eventually.js';
import { expectProblem, httpClient, type HttpCall } from '../support/http.js';
import { REDIS_URL, requireRedis, uniqueRedisPrefix } from '../support/services.js';

/** The shared cache in front of a stand-in module whose answers say, by path, how they may be cached. */

const CACHE_CONTROL: Record<string, string> = {
  public: 'public, max-age=60',
  private: 'private, max-age=60',
  'no-store': 'no-store',
};

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A gateway-like app: GET /r/:kind through the shared cache to the stand-in module. */
async function startEdge(moduleUrl: string, redisUrl: string, keyPrefix: string) {
  const registry = new Registry();
  const logger = createLogger('silent');
  const upstream = new Upstream({ name: 'test', urls: [moduleUrl], logger, registry, timeoutMs: 2000 });
  const cache = createSharedCache({ redisUrl, keyPrefix, logger, registry });
  const app = express().get('/r/:kind', cache.forwardTo(upstream)).use(problemHandler(logger));
  const server = createServer(app);
  const url = await listening(server);
  return {
    call: httpClient(url),
    failures: async () =>
      (await registry.getSingleMetric('gateway_http_cache_redis_failures_total')!.get()).values[0].value,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await upstream.close();
      cache.close();
    },
  };
}

const served: Record<string, number> = {};
const moduleServer = createServer((req, res) => {
  const kind = req.url!.split('/')[2].split('?')[0];
  served[req.url!] = (served[req.url!] ?? 0) + 1;
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': CACHE_CONTROL[kind], etag: `"${kind}"` });
  res.end(JSON.stringify({ kind, n: served[req.url!] }));
});
let moduleUrl: string;
beforeAll(async () => {
  moduleUrl = await listening(moduleServer);
});
afterAll(() => new Promise((resolve) => moduleServer.close(resolve)));

describe.skipIf(!(await requireRedis()))('the shared cache, by what the module and the client ask', () => {
  const keys = uniqueRedisPrefix('shared_cache');
  let edge: Awaited<ReturnType<typeof startEdge>>;
  let redis: Redis;
  const keyOf = (path: string) => `${keys.prefix}:httpcache:GET ${path}`;
  const stored = async () => (await redis.keys(`${keys.prefix}:httpcache:*`)).filter((key) => !key.endsWith('warm-up'));
  beforeAll(async () => {
    edge = await startEdge(moduleUrl, REDIS_URL, `${keys.prefix}:httpcache:`);
    redis = new Redis(REDIS_URL);
    // The cache dials Redis on its first request and forwards uncached until the connection is up.
    await eventually('the cache stores through Redis', async () => {
      await edge.call('GET', '/r/public?warm-up');
      return (await redis.exists(keyOf('/r/public?warm-up'))) === 1;
    });
  });
  afterAll(async () => {
    await edge?.stop();
    redis?.disconnect();
    await keys.cleanup();
  });

  it('stores a public answer once and serves it again', async () => {
    const [first, second] = [await edge.call('GET', '/r/public?a'), await edge.call('GET', '/r/public?a')];
    expect([first.body.n, second.body.n, served['/r/public?a']]).toEqual([1, 1, 1]);
    expect(await stored()).toEqual([keyOf('/r/public?a')]);
  });

  it.each(['private', 'no-store'])('never stores an answer marked %s', async (kind) => {
    const path = `/r/${kind}`;
    const answers = [await edge.call('GET', path), await edge.call('GET', path)];
    expect(answers.map((answer) => answer.body.n)).toEqual([1, 2]);
    expect(answers[0].headers.get('cache-control')).toBe(CACHE_CONTROL[kind]);
    expect(await stored()).toHaveLength(1);
  });

  it('answers Cache-Control: only-if-cached from the store, and with 504 not_cached on a miss without asking the module', async () => {
    const miss = await edge.call('GET', '/r/public?c', { headers: { 'cache-control': 'only-if-cached' } });
    expectProblem(miss, 504, 'not_cached');
    const credentials = { headers: { 'cache-control': 'only-if-cached', authorization: 'Bearer x' } };
    expectProblem(await edge.call('GET', '/r/public?c', credentials), 504, 'not_cached');
    expect(served['/r/public?c']).toBeUndefined();
    await edge.call('GET', '/r/public?c');
    const hit = await edge.call('GET', '/r/public?c', { headers: { 'cache-control': 'only-if-cached' } });
    expect([hit.status, hit.body.n, served['/r/public?c']]).toEqual([200, 1, 1]);
    // Stored, but this client wants it revalidated (no-cache): that would need the module, so no answer.
    const revalidated = { headers: { 'cache-control': 'no-cache, only-if-cached' } };
    expectProblem(await edge.call('GET', '/r/public?c', revalidated), 504, 'not_cached');
    expect(served['/r/public?c']).toBe(1);
  });

  it('never stores the answer to a request with Cache-Control: no-store', async () => {
    const noStore = { headers: { 'cache-control': 'no-store' } };
    await edge.call('GET', '/r/public?b', noStore);
    expect((await edge.call('GET', '/r/public?b')).body.n).toBe(2);
  });
});

describe('the shared cache with Redis unreachable', () => {
  let edge: Awaited<ReturnType<typeof startEdge>>;
  let call: HttpCall;
  beforeAll(async () => {
    // Port 1: nothing listens there, every connection is refused at once.
    edge = await startEdge(moduleUrl, 'redis://127.0.0.1:1', 'down:httpcache:');
    call = edge.call;
  });
  afterAll(() => edge?.stop());

  it('forwards every GET at once, uncached, and counts each lookup that could not use Redis', async () => {
    const started = Date.now();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await call('GET', '/r/public?down'));
    expect(answers.map((answer) => [answer.status, answer.body.n])).toEqual([1, 2, 3, 4, 5].map((n) => [200, n]));
    expect(Date.now() - started).toBeLessThan(500);
    expect(await edge.failures()).toBeGreaterThanOrEqual(5);
  });
});
