import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { httpClient, type HttpCall } from '../support/http.js';
import { openModuleKnex } from '../support/module-db.js';
import { startSplitMode, type RunningSplit, type SplitProcesses } from '../support/modes.js';
import { requirePostgres, requireRedis } from '../support/services.js';
import { ADMIN } from '../support/shop.js';

const STOCK = 10_000;
const CUSTOMERS = 6;
const WORKERS = 6;
const LOAD_MS = 20_000;
/** One instance of each killed at a different moment of the load, and started again RESTART_AFTER_MS later. */
const KILLS = [
  { label: 'orders-2', atMs: 4000 },
  { label: 'payments-1', atMs: 8000 },
  { label: 'catalog-2', atMs: 12_000 },
];
const RESTART_AFTER_MS = 3000;
/** The 503 share is compared over this long before a kill and after it (until the restart begins). */
const WINDOW_MS = 3000;
/** Beyond the gateway's own 10 s wait for a module. */
const REQUEST_TIMEOUT_MS = 15_000;
const available = (await requirePostgres()) && (await requireRedis());

interface Answer {
  startedAt: number;
  ms: number;
  status: number;
  code?: string;
  detail?: string;
  contentType?: string | null;
  orderId?: string;
  error?: string;
}
interface Order {
  id: string;
  status: string;
  paymentId?: string;
  totalCents: number;
  items: Array<{ quantity: number }>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One checkout straight through fetch, so that a request the shop never answers shows as status 0. */
async function checkout(gateway: string, token: string, key: string, productId: string): Promise<Answer> {
  const startedAt = Date.now();
  try {
    const response = await fetch(`${gateway}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ items: [{ productId, quantity: 1 }], paymentMethod: { token: 'tok_visa' } }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = JSON.parse((await response.text()) || '{}');
    const { status } = response;
    return {
      startedAt,
      ms: Date.now() - startedAt,
      status,
      code: body.code,
      orderId: body.id,
      contentType: response.headers.get('content-type'),
    };
  } catch (error) {
    return { startedAt, ms: Date.now() - startedAt, status: 0, error: String(error) };
  }
}

/** Every item of a paginated list. */
async function everyItem<T>(call: HttpCall, path: string, token: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { items: T[]; nextCursor: string | null } } = await call(
      'GET',
      `${path}?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { token },
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

const share503 = (answers: Answer[]) => answers.filter((a) => a.status === 503).length / Math.max(1, answers.length);

describe.skipIf(!available)('split mode with two gateways and two instances of catalog, orders and payments', () => {
  let shop: RunningSplit;
  let split: SplitProcesses;
  let gateways: string[];
  let call: HttpCall;

  beforeAll(async () => {
    shop = await startSplitMode('instances', {
      instances: { gateway: 2, catalog: 2, orders: 2, payments: 2 },
      env: { SAGA_RECOVERY_AFTER: '2000' },
    });
    split = shop.processes;
    gateways = split.instances.filter((i) => i.name === 'gateway').map((i) => i.url);
    call = httpClient(gateways[0]);
  }, 180_000);

  afterAll(async () => {
    await shop?.stop();
  }, 60_000);

  it('answers every checkout while instances die and return, and the books balance: orders = charges = notifications = stock sold', async () => {
    expect(gateways).toHaveLength(2);
    const admin = (await call('POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken;
    const product = await call('POST', '/api/v1/products', {
      token: admin,
      body: { sku: 'TWICE-1', name: 'Twin mug', priceCents: 700, currency: 'USD', stock: STOCK },
    });
    expect(product.status).toBe(201);
    const tokens: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const credentials = { email: `twin-${i}@shop.test`, password: 'correct-horse-1' };
      const gateway = httpClient(gateways[i % 2]);
      expect(
        (await gateway('POST', '/api/v1/auth/register', { body: { ...credentials, name: `Twin ${i}` } })).status,
      ).toBe(201);
      tokens.push((await gateway('POST', '/api/v1/auth/login', { body: credentials })).body.accessToken);
    }

    // The load alternates between the two gateways; each kill and restart runs beside it.
    const answers: Answer[] = [];
    const start = Date.now();
    const worker = async (w: number) => {
      for (let i = 0; Date.now() - start < LOAD_MS; i++) {
        answers.push(
          await checkout(gateways[(w + i) % 2], tokens[(w + i) % CUSTOMERS], `twin-${w}-${i}`, product.body.id),
        );
      }
    };
    const kills = KILLS.map(async (kill) => {
      const victim = split.instances.find((instance) => instance.label === kill.label)!;
      await sleep(kill.atMs - (Date.now() - start));
      const killedAt = Date.now();
      victim.child.kill('SIGKILL');
      await sleep(RESTART_AFTER_MS);
      const restartAt = Date.now();
      await split.restart(victim);
      return { ...kill, killedAt, restartAt, readyAt: Date.now() };
    });
    const [killed] = await Promise.all([Promise.all(kills), ...Array.from({ length: WORKERS }, (_, w) => worker(w))]);

    // Every request answered in time: 201, 202, 409, or a 503 problem; never a 500, never silence.
    expect(answers.length).toBeGreaterThan(100);
    expect(answers.filter((a) => ![201, 202, 409, 503].includes(a.status))).toEqual([]);
    expect(
      answers.filter(
        (a) =>
          a.status === 503 &&
          !(a.code === 'service_unavailable' && /^application\/problem\+json/.test(a.contentType ?? '')),
      ),
    ).toEqual([]);
    expect(answers.filter((a) => a.status === 409 && a.code !== 'idempotency_key_in_use')).toEqual([]);

    // While the module's other instance is up, a kill makes checkouts refused no more often than before it.
    // Before: answered in the WINDOW_MS before the kill. In flight: started before it, answered after
    // (a checkout whose orders instance dies under it may fairly be refused). After: started between
    // the kill and the restart, while only the other instance of the module runs.
    const windows = killed.map((kill) => {
      const endsAt = (a: Answer) => a.startedAt + a.ms;
      const before = answers.filter((a) => a.startedAt >= kill.killedAt - WINDOW_MS && endsAt(a) < kill.killedAt);
      const inFlight = answers.filter((a) => a.startedAt < kill.killedAt && endsAt(a) >= kill.killedAt);
      const after = answers.filter((a) => a.startedAt >= kill.killedAt && a.startedAt < kill.restartAt);
      return {
        label: kill.label,
        before: { n: before.length, share503: share503(before) },
        inFlight: { n: inFlight.length, refused: inFlight.filter((a) => a.status === 503).length },
        after: { n: after.length, share503: share503(after) },
        restartMs: kill.readyAt - kill.restartAt,
      };
    });
    console.info(
      'several instances:',
      JSON.stringify({
        answers: answers.length,
        byStatus: countBy(answers.map((a) => a.status)),
        refused: answers
          .filter((a) => a.status !== 201)
          .map((a) => `${a.startedAt - start}ms ${a.status} ${a.code}: ${a.detail}`),
        windows,
      }),
    );
    for (const window of windows) {
      expect(window.before.n, window.label).toBeGreaterThan(10);
      expect(window.after.n, window.label).toBeGreaterThan(10);
      expect(window.after.share503, window.label).toBeLessThanOrEqual(window.before.share503);
    }

    // Once every checkout has settled, the books balance.
    const orders = await eventually(
      'every checkout to settle',
      async () => (await Promise.all(tokens.map((token) => everyItem<Order>(call, '/api/v1/orders', token)))).flat(),
      { until: (all) => all.every((o) => o.status !== 'payment_pending'), timeoutMs: 60_000, everyMs: 1000 },
    );
    const confirmed = orders.filter((o) => o.status === 'confirmed');
    const confirmedIds = new Set(confirmed.map((o) => o.id));
    const accepted = answers.filter((a) => a.status === 201 || a.status === 202);
    expect(accepted.filter((a) => a.status === 201 && !confirmedIds.has(a.orderId!))).toEqual([]);
    expect(confirmed.length).toBeGreaterThanOrEqual(answers.filter((a) => a.status === 201).length);

    const paymentIds = confirmed.map((o) => o.paymentId);
    expect(new Set(paymentIds).size).toBe(confirmed.length);
    const payments = await inBatches(confirmed, 8, (order) =>
      call('GET', `/api/v1/payments/${order.paymentId}`, { token: admin }).then((r) => ({ order, payment: r.body })),
    );
    expect(
      payments.filter(
        ({ order, payment }) => payment.status !== 'captured' || payment.amountCents !== order.totalCents,
      ),
    ).toEqual([]);

    const notified = await eventually(
      'an order_confirmed notification per confirmed order',
      async () => {
        const all = await Promise.all(
          tokens.map((token) =>
            everyItem<{ template: string; orderId?: string }>(call, '/api/v1/notifications', token),
          ),
        );
        return all.flat().filter((n) => n.template === 'order_confirmed');
      },
      { until: (list) => list.length >= confirmed.length, timeoutMs: 30_000, everyMs: 1000, onTimeout: 'return' },
    );
    expect(notified.length).toBe(confirmed.length);
    expect(new Set(notified.map((n) => n.orderId))).toEqual(confirmedIds);

    const unitsConfirmed = confirmed.reduce((sum, o) => sum + o.items.reduce((s, l) => s + l.quantity, 0), 0);
    const catalog = openModuleKnex('catalog', { databaseUrl: shop.env.DATABASE_URL, dataDir: shop.env.DATA_DIR });
    const paymentsDb = openModuleKnex('payments', { databaseUrl: shop.env.DATABASE_URL, dataDir: shop.env.DATA_DIR });
    try {
      const held = await eventually(
        'no stock left held',
        async () => Number((await catalog('reservations').where({ status: 'held' }).count({ n: '*' }))[0].n),
        { until: (n) => n === 0, timeoutMs: 20_000, everyMs: 500, onTimeout: 'return' },
      );
      expect(held).toBe(0);
      const stock = (
        await call('GET', `/api/v1/products/${product.body.id}`, { headers: { 'cache-control': 'no-cache' } })
      ).body.stock;
      expect(STOCK - stock).toBe(unitsConfirmed);
      const captured = Number((await paymentsDb('payments').where({ status: 'captured' }).count({ n: '*' }))[0].n);
      expect(captured).toBe(confirmed.length);
    } finally {
      await catalog.destroy();
      await paymentsDb.destroy();
    }
    console.info(
      'several instances books:',
      JSON.stringify({ orders: orders.length, confirmed: confirmed.length, notified: notified.length, unitsConfirmed }),
    );

    // Both gateways see every instance again, the restarted ones included.
    for (const gateway of gateways) {
      const ready = await eventually('every instance healthy', () => httpClient(gateway)('GET', '/health/ready'), {
        until: (r) =>
          r.status === 200 &&
          ['catalog', 'orders', 'payments'].every((m) =>
            r.body.checks[`module:${m}`].instances.every((i: { healthy: boolean }) => i.healthy),
          ),
        timeoutMs: 15_000,
        everyMs: 500,
        onTimeout: 'return',
      });
      expect(ready.body.checks['module:orders'].instances.map((i: { healthy: boolean }) => i.healthy)).toEqual([
        true,
        true,
      ]);
      expect(ready.body.checks['module:payments'].instances.map((i: { healthy: boolean }) => i.healthy)).toEqual([
        true,
        true,
      ]);
      expect(ready.body.checks['module:catalog'].instances.map((i: { healthy: boolean }) => i.healthy)).toEqual([
        true,
        true,
      ]);
    }
  }, 180_000);
});

function countBy(values: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

async function inBatches<T, R>(items: T[], size: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += size) results.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return results;
}
