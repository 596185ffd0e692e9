import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM launcher without types
import { startSplit } from '../../deploy/split.mjs';
import { eventually } from '../support/eventually.js';
import { httpClient, type HttpCall } from '../support/http.js';
import { createTestDatabase, requirePostgres, requireRedis, uniqueRedisPrefix } from '../support/services.js';

const ENTRY = ['--import', 'tsx', 'src/main.ts'];
const ADMIN = { email: 'instances-admin@shop.test', password: 'instances-admin-password' };
const STOCK = 10_000;
const CUSTOMERS = 4;
const available = (await requirePostgres()) && (await requireRedis());

interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!available)('split mode with two instances of catalog, orders and payments', () => {
  const basePort = 10000 + Math.floor(Math.random() * 20000);
  let split: { urls: Record<string, string>; instances: Instance[]; stop(): Promise<void> };
  let call: HttpCall;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let redis: ReturnType<typeof uniqueRedisPrefix>;
  let dataDir: string;

  beforeAll(async () => {
    database = await createTestDatabase('instances');
    redis = uniqueRedisPrefix('instances');
    dataDir = mkdtempSync(path.join(tmpdir(), 'shop-instances-'));
    split = await startSplit({
      basePort,
      entry: ENTRY,
      instances: { catalog: 2, orders: 2, payments: 2 },
      env: {
        DATABASE_URL: database.url,
        BULLMQ_PREFIX: redis.prefix,
        DATA_DIR: dataDir,
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        SEED_DEMO_CATALOG: 'false',
        LOG_LEVEL: 'warn',
        SAGA_RECOVERY_AFTER: '2000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    call = httpClient(split.urls.gateway);
  }, 180_000);

  afterAll(async () => {
    await split?.stop();
    await database?.drop();
    await redis?.cleanup();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('keeps serving checkouts when one orders and one catalog instance are killed, losing and doubling nothing', async () => {
    const admin = (await call('POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken;
    const product = await call('POST', '/api/v1/products', {
      token: admin,
      body: { sku: 'TWICE-1', name: 'Twin mug', priceCents: 700, currency: 'USD', stock: STOCK },
    });
    const tokens: string[] = [];
    for (let i = 0; i < CUSTOMERS; i++) {
      const credentials = { email: `twin-${i}@shop.test`, password: 'correct-horse-1' };
      await call('POST', '/api/v1/auth/register', { body: { ...credentials, name: `Twin ${i}` } });
      tokens.push((await call('POST', '/api/v1/auth/login', { body: credentials })).body.accessToken);
    }

    const answers: Array<{ startedAt: number; status: number; detail?: string }> = [];
    let killedAt = Infinity;
    const stopAt = Date.now() + 9000;
    const worker = async (w: number) => {
      for (let i = 0; Date.now() < stopAt; i++) {
        const startedAt = Date.now();
        const { status, body } = await call('POST', '/api/v1/orders', {
          token: tokens[(w + i) % CUSTOMERS],
          headers: { 'idempotency-key': `twin-${w}-${i}` },
          body: { items: [{ productId: product.body.id, quantity: 1 }], paymentMethod: { token: 'tok_visa' } },
        });
        answers.push({ startedAt, status, ...(status === 201 ? {} : { detail: body?.detail }) });
      }
    };
    const killer = async () => {
      await sleep(3000);
      for (const name of ['orders', 'catalog']) {
        const victim = split.instances.filter((instance) => instance.name === name)[1];
        victim.child.kill('SIGKILL');
      }
      killedAt = Date.now();
    };
    await Promise.all([killer(), ...Array.from({ length: 6 }, (_, w) => worker(w))]);

    // The callers moved to the surviving instances: after the in-flight calls of the kill, no 5xx.
    const before = answers.filter((a) => a.startedAt < killedAt);
    const after = answers.filter((a) => a.startedAt >= killedAt + 500);
    expect(before.length).toBeGreaterThan(10);
    expect(after.length).toBeGreaterThan(10);
    expect(after.filter((a) => a.status >= 500)).toEqual([]);
    expect(after.every((a) => a.status === 201)).toBe(true);

    // The gateway reports each instance; it stays ready while every module has one left.
    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(200);
    const orders = ready.body.checks['module:orders'].instances as Array<{ url: string; healthy: boolean }>;
    expect(orders.map((i) => i.healthy).sort()).toEqual([false, true]);

    // Once the survivors have recovered the killed instance's checkouts, the books balance.
    const books = await eventually(
      'every checkout to settle',
      async () => {
        const all = [];
        for (const token of tokens) {
          const page = await call('GET', '/api/v1/orders?limit=100', { token });
          all.push(...page.body.items);
          for (let cursor = page.body.nextCursor; cursor;) {
            const next = await call('GET', `/api/v1/orders?limit=100&cursor=${cursor}`, { token });
            all.push(...next.body.items);
            cursor = next.body.nextCursor;
          }
        }
        return all as Array<{ status: string; paymentId?: string; items: Array<{ quantity: number }> }>;
      },
      { until: (all) => all.every((o) => o.status !== 'payment_pending'), timeoutMs: 60_000, everyMs: 500 },
    );
    const confirmed = books.filter((o) => o.status === 'confirmed');
    const stock = (await call('GET', `/api/v1/products/${product.body.id}`)).body.stock;
    const unitsConfirmed = confirmed.reduce((sum, o) => sum + o.items.reduce((s, l) => s + l.quantity, 0), 0);
    expect(STOCK - stock).toBe(unitsConfirmed);
    expect(confirmed.length).toBeGreaterThanOrEqual(answers.filter((a) => a.status === 201).length);
    const paymentIds = confirmed.map((o) => o.paymentId);
    expect(new Set(paymentIds).size).toBe(confirmed.length);
    const payments = await Promise.all(
      paymentIds.map((id) => call('GET', `/api/v1/payments/${id}`, { token: admin }).then((r) => r.body.status)),
    );
    expect(payments.filter((status) => status === 'captured').length).toBe(confirmed.length);
  }, 120_000);
});
