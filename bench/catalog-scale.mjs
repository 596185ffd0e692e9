// npm run bench -- --catalog-scale <products> (default 1,000,000): loads that many products into a
// fresh monolith through POST /api/v1/products/batch, on SQLite and then on PostgreSQL (BENCH_DATABASE_URL,
// default the local server; skipped when unreachable), and prints the load rate, each search's p50/p99,
// and /health/live's p99 while four clients search without pause (the event loop must stay free).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { benchProduct, benchSearches } from './catalog-data.mjs';
import { ADMIN, waitUntilReady } from './shop-load.mjs';
import { startMonolith } from './monolith.mjs';
import { percentiles } from './latency.mjs';

const BATCH = 1000;
const IN_FLIGHT = 2;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const POSTGRES = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function timed(url) {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}`);
  return performance.now() - started;
}

async function load(url, count) {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const { accessToken } = await login.json();
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const from = next;
      next = Math.min(count, next + BATCH);
      const products = Array.from({ length: next - from }, (_, i) => benchProduct(from + i));
      const response = await fetch(`${url}/api/v1/products/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify({ products }),
      });
      if (response.status !== 201) throw new Error(`batch at ${from}: ${response.status} ${await response.text()}`);
      if (from % 100_000 === 0) process.stderr.write(`  loaded ${from} products\n`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return count / ((performance.now() - started) / 1000);
}

async function searchFigures(url, count) {
  const rows = {};
  const query = (q) => `${url}/api/v1/products?q=${encodeURIComponent(q)}`;
  for (const [label, queries] of Object.entries(benchSearches(count))) {
    for (const q of queries) await timed(query(q)); // warm-up
    const samples = [];
    for (let i = 0; i < SAMPLES; i++) samples.push(await timed(query(queries[i % queries.length])));
    const found = (await (await fetch(`${query(queries[0])}&limit=100`)).json()).items.length;
    rows[label] = { q: queries.join(' | '), 'first page': found === 100 ? '100+' : found, ...percentiles(samples) };
  }
  const first = await (await fetch(`${url}/api/v1/products`)).json();
  const page = [];
  for (let i = 0; i < SAMPLES; i++) page.push(await timed(`${url}/api/v1/products?cursor=${first.nextCursor}`));
  rows['list page (cursor)'] = { q: '', 'first page': 20, ...percentiles(page) };
  return rows;
}

/** /health/live probed every 10 ms while four clients search back to back. */
async function eventLoopFigures(url, count) {
  const all = Object.values(benchSearches(count)).flat();
  let searching = true;
  let searches = 0;
  const client = async (offset) => {
    for (let i = offset; searching; i++, searches++)
      await timed(`${url}/api/v1/products?q=${encodeURIComponent(all[i % all.length])}`);
  };
  const clients = [0, 3, 5, 7].map(client);
  const probes = [];
  const until = Date.now() + 10_000;
  while (Date.now() < until) {
    probes.push(await timed(`${url}/health/live`));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  searching = false;
  await Promise.all(clients);
  return { 'searches/s (4 clients)': Math.round(searches / 10), ...percentiles(probes) };
}

async function benchDatabase(label, count, env) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'catalog-scale-'));
  const shop = await startMonolith({ DATA_DIR: dataDir, ...env });
  try {
    await waitUntilReady(shop.url);
    console.log(`${label}: loading ${count} products through the batch route…`);
    const rate = await load(shop.url, count);
    console.log(`${label}: ${count} products loaded, ${Math.round(rate)} products/s`);
    console.table(await searchFigures(shop.url, count));
    console.log(`${label}: /health/live while 4 clients search without pause`);
    console.table({ '/health/live': await eventLoopFigures(shop.url, count) });
  } finally {
    await shop.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function scratchDatabase() {
  const admin = new pg.Client({ connectionString: POSTGRES });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `catalog_scale_${Date.now().toString(36)}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(POSTGRES);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export async function benchCatalogScale(count) {
  console.log(`catalog scale benchmark: ${count} products, ${SAMPLES} requests per search, one at a time`);
  if (!process.env.BENCH_SKIP_SQLITE) await benchDatabase('SQLite', count, { DATABASE_URL: '' });
  const database = await scratchDatabase();
  if (!database) return console.log('PostgreSQL unreachable: skipped');
  try {
    await benchDatabase('PostgreSQL', count, { DATABASE_URL: database.url });
  } finally {
    await database.drop();
  }
}
