// npm run bench:checkout — loads POST /api/v1/orders of a fresh monolith (SQLite, in-process bus)
// with autocannon, checks that the books balance once the shop has settled, and does the same
// against the flat yardstick in bench/flat-checkout.mjs, so the figure that matters is the ratio of
// the two in one run.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const PRODUCTS = 20;
const USERS = 10;
const STOCK = 1_000_000;
const ADMIN = { email: 'bench-admin@shop.test', password: 'bench-admin-password' };

const json = async (url, init = {}) => {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const body = await response.json();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${response.status} ${JSON.stringify(body)}`);
  return body;
};
const post = (url, body, token) =>
  json(url, { method: 'POST', body: JSON.stringify(body), headers: token ? { authorization: `Bearer ${token}` } : {} });

function spawnNode(args, env) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const nextLine = () => new Promise((resolve) => lines.once('line', resolve));
  const stop = () =>
    new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { child, nextLine, stop };
}

async function waitUntilReady(url) {
  for (let i = 0; i < 200; i++) {
    if (
      await fetch(`${url}/health/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never became ready`);
}

/** autocannon with a distinct Idempotency-Key and two random lines per request. */
function load(url, tokens, productIds) {
  let n = 0;
  return autocannon({
    url: `${url}/api/v1/orders`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        method: 'POST',
        setupRequest(request) {
          const i = n++;
          const a = productIds[i % productIds.length];
          const b = productIds[(i * 7 + 3) % productIds.length];
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${tokens[i % tokens.length]}`,
              'idempotency-key': randomUUID(),
            },
            body: JSON.stringify({
              items: [
                { productId: a, quantity: 1 },
                { productId: b === a ? productIds[(i + 1) % productIds.length] : b, quantity: 2 },
              ],
              paymentMethod: { token: 'tok_visa' },
            }),
          };
        },
      },
    ],
  });
}

const summary = (result) => ({
  'req/s': Math.round(result.requests.average),
  p50_ms: result.latency.p50,
  p99_ms: result.latency.p99,
  '2xx': result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
});

async function benchShop(dataDir) {
  const port = 10000 + Math.floor(Math.random() * 20000); // below the ephemeral port range
  const url = `http://127.0.0.1:${port}`;
  const server = spawnNode(['dist/main.js'], {
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    SEED_DEMO_CATALOG: 'false',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    EVENT_BUS: 'memory',
    DATABASE_URL: '',
    MODULES: 'all',
  });
  try {
    await waitUntilReady(url);
    const admin = (await post(`${url}/api/v1/auth/login`, ADMIN)).accessToken;
    const productIds = [];
    for (let i = 0; i < PRODUCTS; i++) {
      productIds.push(
        (
          await post(
            `${url}/api/v1/products`,
            { sku: `BENCH-${i}`, name: `Bench product ${i}`, priceCents: 1000 + i, currency: 'USD', stock: STOCK },
            admin,
          )
        ).id,
      );
    }
    const tokens = [];
    for (let i = 0; i < USERS; i++) {
      const credentials = { email: `bench-${i}@shop.test`, password: 'bench-password-1' };
      await post(`${url}/api/v1/auth/register`, { ...credentials, name: `Bench ${i}` });
      tokens.push((await post(`${url}/api/v1/auth/login`, credentials)).accessToken);
    }
    const result = await load(url, tokens, productIds);
    return { result, verdict: await checkShop(url, admin, tokens, productIds) };
  } finally {
    await server.stop();
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every page of a list endpoint, read as `token`. */
async function listAll(url, path, token) {
  const items = [];
  for (let cursor = null, first = true; first || cursor; first = false) {
    const page = await json(`${url}${path}?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    items.push(...page.items);
    cursor = page.nextCursor;
  }
  return items;
}

/** The books as the API shows them: stock sold, confirmed orders, checkouts still deciding, order notifications. */
async function readBooks(url, tokens, productIds) {
  let stockSold = 0;
  for (const id of productIds) stockSold += STOCK - (await json(`${url}/api/v1/products/${id}`)).stock;
  let confirmedUnits = 0;
  let deciding = 0;
  let notified = 0;
  const paymentIds = [];
  for (const token of tokens) {
    for (const order of await listAll(url, '/api/v1/orders', token)) {
      if (order.status === 'payment_pending') deciding += 1;
      if (order.status !== 'confirmed') continue;
      confirmedUnits += order.items.reduce((sum, line) => sum + line.quantity, 0);
      paymentIds.push(order.paymentId);
    }
    notified += (await listAll(url, '/api/v1/notifications', token)).filter(
      (n) => n.template === 'order_confirmed',
    ).length;
  }
  return { stockSold, confirmedUnits, deciding, notified, paymentIds };
}

/**
 * autocannon stops at its deadline with requests still in flight, and the shop finishes them (and
 * their events: payment, notification) afterwards. So read the books until no checkout is still
 * deciding and two successive reads agree: checking earlier compares stock and orders read at
 * different moments.
 */
async function settledBooks(url, tokens, productIds) {
  let previous;
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(250)) {
    const books = await readBooks(url, tokens, productIds);
    if (books.deciding === 0 && JSON.stringify(books) === JSON.stringify(previous)) return { ...books, settled: true };
    previous = books;
  }
  return { ...previous, settled: false };
}

/**
 * Once settled: orders × quantities = stock sold; one captured payment per confirmed order; one
 * order_confirmed notification per confirmed order — read through the API.
 */
async function checkShop(url, admin, tokens, productIds) {
  const { paymentIds, settled, stockSold, confirmedUnits, notified } = await settledBooks(url, tokens, productIds);
  let captured = 0;
  for (let i = 0; i < paymentIds.length; i += 50) {
    const batch = await Promise.all(
      paymentIds
        .slice(i, i + 50)
        .map((id) => json(`${url}/api/v1/payments/${id}`, { headers: { authorization: `Bearer ${admin}` } })),
    );
    captured += batch.filter((payment) => payment.status === 'captured').length;
  }
  const confirmedOrders = paymentIds.length;
  const distinctPayments = new Set(paymentIds).size;
  const ok =
    settled &&
    stockSold === confirmedUnits &&
    captured === confirmedOrders &&
    distinctPayments === confirmedOrders &&
    notified === confirmedOrders;
  return {
    ok,
    settled,
    confirmedOrders,
    confirmedUnits,
    stockSold,
    capturedPayments: captured,
    notifications: notified,
  };
}

async function benchFlat(dataDir) {
  const server = spawnNode(['bench/flat-checkout.mjs'], {
    FLAT_DATA_DIR: dataDir,
    FLAT_PRODUCTS: String(PRODUCTS),
    FLAT_USERS: String(USERS),
    FLAT_STOCK: String(STOCK),
  });
  const { url, productIds, tokens } = JSON.parse(await server.nextLine());
  const result = await load(url, tokens, productIds);
  const report = server.nextLine();
  await server.stop();
  const { stock, confirmedUnits } = JSON.parse(await report);
  return { result, verdict: { ok: PRODUCTS * STOCK - stock === confirmedUnits, confirmedUnits } };
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-bench-'));
try {
  console.log(
    `checkout benchmark: ${CONNECTIONS} connections, ${DURATION_S} s, 2 lines per order, a distinct Idempotency-Key per request`,
  );
  const shop = await benchShop(path.join(dataDir, 'shop'));
  const flat = await benchFlat(dataDir);
  console.table({ 'modular shop': summary(shop.result), 'flat yardstick': summary(flat.result) });
  console.log(
    `throughput ratio shop/flat: ${(shop.result.requests.average / flat.result.requests.average).toFixed(2)}`,
  );
  console.log(`consistency: ${shop.verdict.ok ? 'OK' : 'BROKEN'} ${JSON.stringify(shop.verdict)}`);
  if (!shop.verdict.ok || !flat.verdict.ok) process.exitCode = 1;
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
