import { Redis } from 'ioredis';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadShopConfig, MODULES } from '../../src/main.js';
import { MODULE_NAMES } from '../../src/platform/kernel/config.js';
import { startGateway } from '../../src/platform/gateway/gateway.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { eventually } from '../support/eventually.js';
import { httpClient, type ApiResponse, type HttpCall } from '../support/http.js';
import { REDIS_URL, requireRedis, uniqueRedisPrefix } from '../support/services.js';
import { startTestShop, type TestShop } from '../support/shop.js';

/**
 * The gateway's shared HTTP cache, in process: a gateway in front of an in-process monolith, whose
 * catalog announces the default CATALOG_MAX_AGE=2; the cache lives in Redis under a prefix of this test's own.
 */

const redisUp = await requireRedis();
const MAX_AGE_MS = 2000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function startGatewayFor(shop: TestShop, prefix: string, maxAge: string) {
  const urls = Object.fromEntries(MODULE_NAMES.map((name) => [`${name.toUpperCase()}_URL`, shop.url]));
  const config = loadShopConfig({
    ...urls,
    MODULES: 'gateway',
    PORT: '0',
    INTERNAL_TOKEN_SECRET: 'gateway-cache-test-secret-0123456789abcdef',
    REDIS_URL,
    BULLMQ_PREFIX: prefix,
    CATALOG_MAX_AGE: maxAge,
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'silent',
  });
  return startGateway(config, MODULES, createLogger('silent'));
}

/** A counter of a Prometheus text page, 0 when absent; `labels` is matched as written, e.g. `outcome="hit"`. */
const counterOf = (page: ApiResponse, name: string, labels: string) =>
  Number(new RegExp(`^${name}\\{[^}]*${labels}[^}]*\\} (\\d+)`, 'm').exec(page.body as string)?.[1] ?? 0);

describe.skipIf(!redisUp)('the gateway as a shared cache for catalog reads (CATALOG_MAX_AGE=2)', () => {
  let shop: TestShop;
  let gateway: Awaited<ReturnType<typeof startGatewayFor>>;
  let call: HttpCall;
  let admin: string;
  let redis: Redis;
  const keys = uniqueRedisPrefix('gateway_cache');
  let sku = 0;
  const cacheKey = (path: string) => `${keys.prefix}:httpcache:GET ${path}`;

  beforeAll(async () => {
    shop = await startTestShop();
    gateway = await startGatewayFor(shop, keys.prefix, '2');
    call = httpClient(gateway.url);
    admin = await shop.adminToken();
    redis = new Redis(REDIS_URL);
    // The gateway dials Redis on its first cacheable request and forwards uncached until it is up.
    await eventually('the gateway stores through Redis', async () => {
      await call('GET', '/api/v1/products?limit=1');
      return (await redis.exists(cacheKey('/api/v1/products?limit=1'))) === 1;
    });
  });
  afterAll(async () => {
    await gateway?.stop();
    await shop?.stop();
    redis?.disconnect();
    await keys.cleanup();
  });

  const newProduct = async (priceCents = 1000) => {
    const body = { sku: `CACHE-${++sku}`, name: `Cached ${sku}`, priceCents, currency: 'USD', stock: 50 };
    const created = await shop.request('POST', '/api/v1/products', { token: admin, body });
    return `/api/v1/products/${created.body.id as string}`;
  };
  const setPrice = async (path: string, priceCents: number) =>
    expect((await call('PATCH', path, { token: admin, body: { priceCents } })).status).toBe(200);
  const outcome = async (name: string) =>
    counterOf(await call('GET', '/metrics'), 'gateway_http_cache_requests_total', `outcome="${name}"`);

  it('serves the second GET from Redis with Age, and a price change once max-age has passed', async () => {
    const path = await newProduct(1000);
    const first = await call('GET', path);
    const storedAt = Date.now();
    expect([first.status, first.headers.get('age'), first.headers.get('cache-control')]).toEqual([
      200,
      null,
      'public, max-age=2',
    ]);
    const ttl = await redis.pttl(cacheKey(path));
    expect(ttl).toBeGreaterThan(MAX_AGE_MS);
    expect(ttl).toBeLessThanOrEqual(MAX_AGE_MS + 30_000);

    const hits = await outcome('hit');
    await setPrice(path, 1900);
    const cached = await call('GET', path);
    expect(cached.body.priceCents).toBe(1000);
    expect(Number(cached.headers.get('age'))).toBeLessThanOrEqual(2);
    expect(cached.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await outcome('hit')).toBe(hits + 1);

    await sleep(storedAt + MAX_AGE_MS + 100 - Date.now());
    const later = await call('GET', path);
    expect([later.body.priceCents, later.headers.get('age')]).toEqual([1900, null]);
  });

  it('revalidates a stale entry with a 304 from catalog and serves the stored body', async () => {
    const path = await newProduct();
    const first = await call('GET', path);
    await sleep(MAX_AGE_MS + 100);
    const module304s = async () =>
      counterOf(await shop.request('GET', '/metrics'), 'http_request_duration_seconds_count', 'status="304"');
    const [stale, before] = [await outcome('stale'), await module304s()];
    const revalidated = await call('GET', path);
    expect([revalidated.status, revalidated.headers.get('age')]).toEqual([200, null]);
    expect(revalidated.body).toEqual(first.body);
    expect([await outcome('stale'), await module304s()]).toEqual([stale + 1, before + 1]);
  });

  it("answers the client's If-None-Match from the cache: 304 without a body", async () => {
    const path = await newProduct();
    const etag = (await call('GET', path)).headers.get('etag')!;
    const hits = await outcome('hit');
    // undici's request, not fetch: fetch adds Cache-Control: no-cache to every conditional request.
    const again = await request(`${gateway.url}${path}`, { headers: { 'if-none-match': etag } });
    expect([again.statusCode, await again.body.text(), again.headers.etag]).toEqual([304, '', etag]);
    expect(again.headers.age).toMatch(/^\d+$/);
    expect(await outcome('hit')).toBe(hits + 1);
  });

  it('neither serves nor stores a request with Authorization', async () => {
    const path = await newProduct(1000);
    const customer = await shop.customer();
    await call('GET', path); // a public copy at 1000 is now stored
    const listPath = `/api/v1/products?q=CACHE-${sku}`;
    expect((await call('GET', listPath, { token: customer.token })).body.items[0].priceCents).toBe(1000);
    await setPrice(path, 1700);
    expect((await call('GET', path, { token: customer.token })).body.priceCents).toBe(1700);
    expect((await call('GET', listPath, { token: customer.token })).body.items[0].priceCents).toBe(1700);
    expect(await redis.exists(cacheKey(listPath))).toBe(0);
  });

  it('answers Cache-Control: no-cache with a fresh read, which then replaces the stored one', async () => {
    const path = await newProduct(1000);
    await call('GET', path);
    await setPrice(path, 1300);
    const fresh = await call('GET', path, { headers: { 'cache-control': 'no-cache' } });
    expect([fresh.body.priceCents, fresh.headers.get('age')]).toEqual([1300, null]);
    const next = await call('GET', path);
    expect(next.body.priceCents).toBe(1300);
    expect(next.headers.get('age')).toMatch(/^\d+$/);
  });

  it('prices a checkout right after a price change at the new price, though the cache still shows the old one', async () => {
    const path = await newProduct(1000);
    const customer = await shop.customer();
    await call('GET', path);
    await setPrice(path, 1500);
    const order = await call('POST', '/api/v1/orders', {
      token: customer.token,
      headers: { 'idempotency-key': `cache-checkout-${sku}` },
      body: { items: [{ productId: path.split('/').at(-1), quantity: 2 }], paymentMethod: { token: 'tok_visa' } },
    });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({
      status: 'confirmed',
      totalCents: 3000,
      items: [{ unitPriceCents: 1500, quantity: 2 }],
    });
    const cached = await call('GET', path);
    expect([cached.body.priceCents, cached.body.stock]).toEqual([1000, 50]);
    expect(cached.headers.get('age')).not.toBeNull();
    const fresh = await call('GET', path, { headers: { 'cache-control': 'no-cache' } });
    expect([fresh.body.priceCents, fresh.body.stock]).toEqual([1500, 48]);
  });

  it('with CATALOG_MAX_AGE=0 at the gateway, stores nothing and shows every change at once', async () => {
    const off = uniqueRedisPrefix('gateway_cache_off');
    const uncached = await startGatewayFor(shop, off.prefix, '0');
    try {
      const path = await newProduct(1000);
      const callOff = httpClient(uncached.url);
      expect((await callOff('GET', path)).body.priceCents).toBe(1000);
      await setPrice(path, 1100);
      const second = await callOff('GET', path);
      expect([second.body.priceCents, second.headers.get('age')]).toEqual([1100, null]);
      expect(await redis.keys(`${off.prefix}:httpcache:*`)).toEqual([]);
      expect((await callOff('GET', '/metrics')).body).not.toContain('gateway_http_cache_requests_total');
    } finally {
      await uncached.stop();
      await off.cleanup();
    }
  });
});
