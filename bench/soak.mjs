// npm run bench -- --soak <minutes>: a steady checkout rate plus searches and reads against the
// monolith (SQLite, in-process bus) with short retentions, and a row per minute: latency, RSS, heap,
// rows per table and database size. What it shows: RSS and latency flat once warm, the housekeeping
// tables (outbox, inbox) bounded, only business tables (orders, notifications, reservations) growing.
// BENCH_SOAK_RATE (checkouts/s, default 50) and BENCH_SOAK_READS (reads/s, default 50) tune it.
import { readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { benchProduct } from './catalog-data.mjs';
import { startMonolith } from './monolith.mjs';
import { rssMb } from './process-stats.mjs';
import { checkShop, seedShop, waitUntilReady } from './shop-load.mjs';

const RATE = Number(process.env.BENCH_SOAK_RATE ?? 50);
const READS = Number(process.env.BENCH_SOAK_READS ?? 50);
const CATALOG = 20_000;
const RETENTION = { OUTBOX_RETENTION: '60', INBOX_RETENTION: '120' };
const TABLES = [
  ['orders', 'outbox'],
  ['payments', 'outbox'],
  ['notifications', 'inbox'],
  ['orders', 'idempotency_keys'],
  ['catalog', 'reservations'],
  ['orders', 'orders'],
  ['notifications', 'notifications'],
];

function checkouts(url, tokens, productIds) {
  let n = 0;
  return autocannon({
    url: `${url}/api/v1/orders`,
    connections: 10,
    overallRate: RATE,
    duration: 60,
    requests: [
      {
        method: 'POST',
        setupRequest(request) {
          const i = n++;
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${tokens[i % tokens.length]}`,
              'idempotency-key': randomUUID(),
            },
            body: JSON.stringify({
              items: [{ productId: productIds[i % productIds.length], quantity: 1 }],
              paymentMethod: { token: 'tok_visa' },
            }),
          };
        },
      },
    ],
  });
}

const READ_PATHS = [
  '/api/v1/products?q=kettle',
  '/api/v1/products?q=te',
  '/api/v1/products?q=SKU-00123',
  '/api/v1/products',
];
function reads(url) {
  let n = 0;
  return autocannon({
    url,
    connections: 4,
    overallRate: READS,
    duration: 60,
    requests: [
      { method: 'GET', setupRequest: (request) => ({ ...request, path: READ_PATHS[n++ % READ_PATHS.length] }) },
    ],
  });
}

async function heapMb(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const used = /^nodejs_heap_size_used_bytes (\d+(?:\.\d+)?)/m.exec(text);
  return used ? Math.round(Number(used[1]) / 1e6) : undefined;
}

function tableRows(dataDir) {
  const counts = {};
  for (const [module, table] of TABLES) {
    const db = new Database(path.join(dataDir, `${module}.sqlite`), { readonly: true });
    try {
      counts[`${module}.${table}`] = db.prepare(`SELECT count(*) AS n FROM ${table}`).get().n;
    } finally {
      db.close();
    }
  }
  return counts;
}

const databaseMb = (dataDir) =>
  Math.round(readdirSync(dataDir).reduce((sum, file) => sum + statSync(path.join(dataDir, file)).size, 0) / 1e6);

export async function soak(minutes) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-soak-'));
  const shop = await startMonolith({ DATA_DIR: dataDir, DATABASE_URL: '', ...RETENTION });
  try {
    await waitUntilReady(shop.url);
    const { admin, tokens, productIds } = await seedShop(shop.url);
    for (let from = 0; from < CATALOG; from += 1000) {
      const products = Array.from({ length: 1000 }, (_, i) => benchProduct(from + i));
      const response = await fetch(`${shop.url}/api/v1/products/batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ products }),
      });
      if (response.status !== 201) throw new Error(`catalog batch: ${response.status}`);
    }
    console.log(
      `soak: ${minutes} min, ${RATE} checkouts/s and ${READS} searches and reads/s, OUTBOX_RETENTION=${RETENTION.OUTBOX_RETENTION} s, INBOX_RETENTION=${RETENTION.INBOX_RETENTION} s, ${CATALOG} products`,
    );
    const rows = {};
    for (let minute = 1; minute <= minutes; minute++) {
      const [bought, read] = await Promise.all([checkouts(shop.url, tokens, productIds), reads(shop.url)]);
      rows[`min ${minute}`] = {
        'checkouts/s': Math.round(bought.requests.average),
        'checkout p50/p99 ms': `${bought.latency.p50}/${bought.latency.p99}`,
        'read p50/p99 ms': `${read.latency.p50}/${read.latency.p99}`,
        errors: bought.non2xx + bought.errors + read.non2xx + read.errors,
        'rss MB': rssMb(shop.pid),
        'heap MB': await heapMb(shop.url),
        ...tableRows(dataDir),
        'db MB': databaseMb(dataDir),
      };
      console.log(JSON.stringify({ minute, ...rows[`min ${minute}`] }));
    }
    console.table(rows);
    const verdict = await checkShop(shop.url, admin, tokens, productIds);
    console.log(`consistency: ${verdict.ok ? 'OK' : 'BROKEN'} ${JSON.stringify(verdict)}`);
    if (!verdict.ok) process.exitCode = 1;
  } finally {
    await shop.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
