// npm run bench:catalog — product list and product reads under load through the gateway of split
// mode, once with the gateway's shared cache on (CATALOG_MAX_AGE=2, the default) and once with it
// off (CATALOG_MAX_AGE=0), in one run. Reports each run's throughput and latency, the cache's hit
// ratio (from the gateway's gateway_http_cache_requests_total) and the ratio of throughputs.
// BENCH_CONNECTIONS and BENCH_DURATION (s) tune it, as for the checkout bench.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { startSplit } from '../deploy/split.mjs';
import { ADMIN, CONNECTIONS, DURATION_S, deleteRedisKeys, summary } from './shop-load.mjs';

const PRODUCTS = 20;
const freePort = () => 10000 + Math.floor(Math.random() * 20000); // below the ephemeral port range

async function post(url, body, token) {
  const response = await fetch(url, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  if (!response.ok) throw new Error(`POST ${url} → ${response.status} ${await response.text()}`);
  return response.json();
}

/** The public reads a shop front makes: two list pages and every product, in turn. */
async function seedReads(url) {
  const admin = (await post(`${url}/api/v1/auth/login`, ADMIN)).accessToken;
  const paths = ['/api/v1/products', '/api/v1/products?limit=5'];
  for (let i = 0; i < PRODUCTS; i++) {
    const product = { sku: `READ-${i}`, name: `Read product ${i}`, priceCents: 500 + i, currency: 'USD', stock: 100 };
    paths.push(`/api/v1/products/${(await post(`${url}/api/v1/products`, product, admin)).id}`);
  }
  return paths;
}

/** Cache outcomes counted by the gateway so far, e.g. { hit: 10, miss: 2 }. */
async function cacheOutcomes(gatewayUrl) {
  const page = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const outcomes = {};
  for (const [, outcome, value] of page.matchAll(/^gateway_http_cache_requests_total\{outcome="(\w+)"\} (\d+)/gm))
    outcomes[outcome] = Number(value);
  return outcomes;
}

async function benchReads(maxAge, dataDir) {
  const prefix = `bench-catalog-${randomBytes(4).toString('hex')}`;
  const split = await startSplit({
    basePort: freePort(),
    env: {
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      SEED_DEMO_CATALOG: 'false',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      BULLMQ_PREFIX: prefix,
      CATALOG_MAX_AGE: String(maxAge),
      // One client address makes all this load: the edge's per-address limit, and its share per client
      // of a bulkhead (past 64 connections), would measure themselves.
      RATE_LIMIT_PER_MINUTE: '0',
      BULKHEAD_CLIENT_SHARE: '100',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const gateway = split.urls.gateway;
    const paths = await seedReads(gateway);
    const before = await cacheOutcomes(gateway);
    let n = 0;
    const result = await autocannon({
      url: gateway,
      connections: CONNECTIONS,
      duration: DURATION_S,
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: paths[n++ % paths.length] }) }],
    });
    const after = await cacheOutcomes(gateway);
    const delta = (outcome) => (after[outcome] ?? 0) - (before[outcome] ?? 0);
    const lookups = delta('hit') + delta('stale') + delta('miss');
    return { result, hitRatio: lookups ? delta('hit') / lookups : 0, stale: delta('stale'), miss: delta('miss') };
  } finally {
    await split.stop();
    await deleteRedisKeys(`${prefix}:*`);
  }
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-bench-catalog-'));
try {
  console.log(
    `catalog read benchmark through the gateway: ${CONNECTIONS} connections, ${DURATION_S} s, ${PRODUCTS + 2} paths in turn`,
  );
  const on = await benchReads(2, path.join(dataDir, 'on'));
  const off = await benchReads(0, path.join(dataDir, 'off'));
  const row = (run) => ({
    ...summary(run.result),
    'hit ratio': Number(run.hitRatio.toFixed(3)),
    stale: run.stale,
    miss: run.miss,
  });
  console.table({ 'cache on (CATALOG_MAX_AGE=2)': row(on), 'cache off (CATALOG_MAX_AGE=0)': row(off) });
  console.log(
    `throughput ratio cache on/off: ${(on.result.requests.average / off.result.requests.average).toFixed(2)}`,
  );
  if (on.result.non2xx + off.result.non2xx + on.result.errors + off.result.errors > 0) process.exitCode = 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
