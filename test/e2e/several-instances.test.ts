import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { httpClient, type HttpCall } from '../support/http.js';
import { checkout, expectBooksAgree, type Answer } from '../support/checkout-load.js';
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
const available = (await requirePostgres()) && (await requireRedis());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
      // Nine processes starting at once from TypeScript sources on two cores can take more than the usual minute.
      readyTimeoutMs: 150_000,
    });
    split = shop.processes;
    gateways = split.instances.filter((i) => i.name === 'gateway').map((i) => i.url);
    call = httpClient(gateways[0]);
  }, 240_000);

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
    const books = await expectBooksAgree(shop, { tokens, productId: product.body.id, stock: STOCK, answers });
    console.info('several instances books:', JSON.stringify(books));

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
