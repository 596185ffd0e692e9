import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM launcher without types
import { LAYOUT, startSplit } from '../../deploy/split.mjs';
import { eventually } from '../support/eventually.js';
import { httpClient, type HttpCall } from '../support/http.js';
import { createTestDatabase, requirePostgres, requireRedis, uniqueRedisPrefix } from '../support/services.js';

const ENTRY = ['--import', 'tsx', 'src/main.ts'];
const ADMIN = { email: 'split-admin@shop.test', password: 'split-admin-password' };
const available = (await requirePostgres()) && (await requireRedis());

interface Split {
  urls: Record<string, string>;
  children: ChildProcess[];
  stop(signal?: string): Promise<void>;
  secret: string;
  moduleUrls: Record<string, string>;
}

describe.skipIf(!available)('split mode: six processes behind the gateway', () => {
  // Below the ephemeral range (32768+), where servers on port 0 and outgoing connections never land.
  const basePort = 10000 + Math.floor(Math.random() * 20000);
  const logs = new Map<string, string[]>();
  let split: Split;
  let call: HttpCall;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let redis: ReturnType<typeof uniqueRedisPrefix>;
  let env: Record<string, string>;
  let dataDir: string;
  const extra: ChildProcess[] = [];

  const collect = (name: string, child: ChildProcess) => {
    logs.set(name, logs.get(name) ?? []);
    child.stdout?.on('data', (chunk: Buffer) => logs.get(name)!.push(...chunk.toString().split('\n').filter(Boolean)));
  };

  beforeAll(async () => {
    database = await createTestDatabase('split');
    redis = uniqueRedisPrefix('split');
    dataDir = mkdtempSync(path.join(tmpdir(), 'shop-split-'));
    env = {
      DATABASE_URL: database.url,
      BULLMQ_PREFIX: redis.prefix,
      DATA_DIR: dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SEED_DEMO_CATALOG: 'false',
      LOG_LEVEL: 'info',
      SAGA_RECOVERY_AFTER: '2000',
    };
    split = await startSplit({ basePort, entry: ENTRY, env, stdio: ['ignore', 'pipe', 'inherit'] });
    call = httpClient(split.urls.gateway);
    LAYOUT.forEach(([name]: [string], index: number) => collect(name, split.children[index]));
  }, 120_000);

  afterAll(async () => {
    for (const child of extra) child.kill('SIGKILL');
    await split?.stop();
    await database?.drop();
    await redis?.cleanup();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  let token: string;
  let admin: string;
  let productId: string;

  it('registers, logs in and checks out through the gateway, with identity verified in every process', async () => {
    const credentials = { email: 'split-user@shop.test', password: 'correct-horse-1' };
    expect((await call('POST', '/api/v1/auth/register', { body: { ...credentials, name: 'Split' } })).status).toBe(201);
    token = (await call('POST', '/api/v1/auth/login', { body: credentials })).body.accessToken;
    admin = (await call('POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken;
    const product = await call('POST', '/api/v1/products', {
      token: admin,
      body: { sku: 'SPLIT-1', name: 'Split mug', priceCents: 1250, currency: 'USD', stock: 10 },
    });
    expect(product.status).toBe(201);
    productId = product.body.id;

    const traceId = 'aaaabbbbccccddddeeeeffff00001111';
    const order = await call('POST', '/api/v1/orders', {
      token,
      headers: { 'idempotency-key': 'split-1', traceparent: `00-${traceId}-1111222233334444-01` },
      body: { items: [{ productId, quantity: 3 }], paymentMethod: { token: 'tok_visa' } },
    });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ status: 'confirmed', totalCents: 3750 });
    expect((await call('GET', `/api/v1/products/${productId}`)).body.stock).toBe(7);
    const payment = await call('GET', `/api/v1/payments/${order.body.paymentId}`, { token });
    expect(payment.body).toMatchObject({ status: 'captured', amountCents: 3750 });

    const notifications = await eventually(
      'both notifications',
      () => call('GET', '/api/v1/notifications', { token }),
      {
        until: (r) => r.body?.items?.length === 2,
        timeoutMs: 20_000,
        everyMs: 200,
        onTimeout: 'return',
      },
    );
    expect(notifications.body.items.map((n: { template: string }) => n.template).sort()).toEqual([
      'order_confirmed',
      'welcome',
    ]);

    // One trace across the gateway, the orders process (which called catalog and payments) and the event consumer.
    for (const name of ['gateway', 'orders', 'catalog', 'payments', 'notifications']) {
      expect(
        logs.get(name)!.some((line) => line.includes(traceId)),
        `${name} logged the trace`,
      ).toBe(true);
    }
  });

  it('answers 202 payment_pending while payments is down, and confirms once it is back', async () => {
    const index = LAYOUT.findIndex(([name]: [string]) => name === 'payments');
    const payments = split.children[index];
    await new Promise((resolve) => {
      payments.once('exit', resolve);
      payments.kill('SIGKILL');
    });
    const pending = await call('POST', '/api/v1/orders', {
      token,
      body: { items: [{ productId, quantity: 2 }], paymentMethod: { token: 'tok_visa' } },
    });
    expect(pending.status).toBe(202);
    expect(pending.body.status).toBe('payment_pending');
    expect((await call('GET', `/api/v1/products/${productId}`)).body.stock).toBe(5);

    const restarted = spawn(process.execPath, ENTRY, {
      env: {
        ...process.env,
        ...env,
        MODULES: 'payments',
        PORT: new URL(split.urls.payments).port,
        INTERNAL_TOKEN_SECRET: split.secret,
        ...split.moduleUrls,
      },
      stdio: 'ignore',
    });
    extra.push(restarted);
    const order = await eventually(
      'the order to be confirmed',
      () => call('GET', `/api/v1/orders/${pending.body.id}`, { token }),
      {
        until: (r) => r.body?.status === 'confirmed',
        timeoutMs: 40_000,
        everyMs: 200,
        onTimeout: 'return',
      },
    );
    expect(order.body.status).toBe('confirmed');
    expect((await call('GET', `/api/v1/products/${productId}`)).body.stock).toBe(5);
    const payment = await call('GET', `/api/v1/payments/${order.body.paymentId}`, { token });
    expect(payment.body).toMatchObject({ status: 'captured', amountCents: 2500 });
  }, 90_000);
});
