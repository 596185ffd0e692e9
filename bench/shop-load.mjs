// The checkout load and the books check shared by the benchmarks: seed a shop through its API, load
// POST /api/v1/orders with autocannon, then check that stock, orders, payments and notifications agree.
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';

export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
export const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
/** Seconds of the same load before the measured run: connections opened, code compiled, caches filled. */
export const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 3);
export const PRODUCTS = 20;
export const USERS = 10;
export const STOCK = 1_000_000;
export const ADMIN = { email: 'bench-admin@shop.test', password: 'bench-admin-password' };

const json = async (url, init = {}) => {
  const response = await fetch(url, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
  const body = await response.json();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${response.status} ${JSON.stringify(body)}`);
  return body;
};
const post = (url, body, token) =>
  json(url, { method: 'POST', body: JSON.stringify(body), headers: token ? { authorization: `Bearer ${token}` } : {} });

/** Products with plenty of stock and logged-in customers, created through the API of the shop at `url`. */
export async function seedShop(url) {
  const admin = (await post(`${url}/api/v1/auth/login`, ADMIN)).accessToken;
  const productIds = [];
  for (let i = 0; i < PRODUCTS; i++) {
    const product = {
      sku: `BENCH-${i}`,
      name: `Bench product ${i}`,
      priceCents: 1000 + i,
      currency: 'USD',
      stock: STOCK,
    };
    productIds.push((await post(`${url}/api/v1/products`, product, admin)).id);
  }
  const tokens = [];
  for (let i = 0; i < USERS; i++) {
    const credentials = { email: `bench-${i}@shop.test`, password: 'bench-password-1' };
    await post(`${url}/api/v1/auth/register`, { ...credentials, name: `Bench ${i}` });
    tokens.push((await post(`${url}/api/v1/auth/login`, credentials)).accessToken);
  }
  return { admin, tokens, productIds };
}

export async function waitUntilReady(url) {
  for (let i = 0; i < 600; i++) {
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} never became ready`);
}

/** autocannon with a distinct Idempotency-Key and two random lines per request, for `durationS` seconds. */
export function load(url, tokens, productIds, durationS = DURATION_S) {
  let n = 0;
  return autocannon({
    url: `${url}/api/v1/orders`,
    connections: CONNECTIONS,
    duration: durationS,
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

export const summary = (result) => ({
  'req/s': Math.round(result.requests.average),
  p50_ms: result.latency.p50,
  p99_ms: result.latency.p99,
  '2xx': result['2xx'],
  non2xx: result.non2xx,
  errors: result.errors + result.timeouts,
});

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
export async function checkShop(url, admin, tokens, productIds) {
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

/** Removes what a run left in Redis under its own prefix (the bus, rate limits, caches). */
export async function deleteRedisKeys(pattern) {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    for await (const keys of redis.scanStream({ match: pattern, count: 500 }))
      if (keys.length) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
