import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM launcher without types
import { LAYOUT } from '../../deploy/split.mjs';
import { eventually } from '../support/eventually.js';
import type { HttpCall } from '../support/http.js';
import { startSplitMode, type RunningSplit, type SplitProcesses } from '../support/modes.js';
import { startOtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { requirePostgres, requireRedis } from '../support/services.js';
import { ADMIN, startTestShop } from '../support/shop.js';

const ENTRY = ['--import', 'tsx', 'src/main.ts'];
/** Stock read past the gateway's shared cache (RFC 9111 no-cache), to see a checkout's effect at once. */
const FRESH = { headers: { 'cache-control': 'no-cache' } };
const available = (await requirePostgres()) && (await requireRedis());

/** The client's own span, parent of every trace the tests start: never exported by the shop. */
const CLIENT_SPAN = '1111222233334444';
const SERVICES = ['shop-gateway', 'shop-orders', 'shop-catalog', 'shop-payments', 'shop-notifications'];

/**
 * A trace's tree below `root` as text: name and module of each span, children sorted; an event's
 * journey stops at its relay publish (its consumers run later, in their own order).
 */
function shapeOf(spans: ReceivedSpan[], root: ReceivedSpan): string {
  const label = `${root.name}[${String(root.attributes['shop.module'])}]`;
  if (root.name.startsWith('relay publish')) return label;
  const children = spans.filter((span) => span.parentSpanId === root.spanId).map((child) => shapeOf(spans, child));
  return `${label}(${children.sort().join(',')})`;
}

const checkoutSpan = (spans: ReceivedSpan[], service: string) =>
  spans.find((span) => span.service === service && span.name === 'POST /api/v1/orders')!;

describe.skipIf(!available)('split mode: six processes behind the gateway', () => {
  const logs = new Map<string, string[]>();
  let shop: RunningSplit;
  let split: SplitProcesses;
  let call: HttpCall;
  let env: Record<string, string>;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  const extra: ChildProcess[] = [];

  const collect = (name: string, child: ChildProcess) => {
    logs.set(name, logs.get(name) ?? []);
    child.stdout?.on('data', (chunk: Buffer) => logs.get(name)!.push(...chunk.toString().split('\n').filter(Boolean)));
  };

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    shop = await startSplitMode('split', {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        // Every process's request lines are read back: the trace must be in each one's log.
        LOG_LEVEL: 'info',
        SAGA_RECOVERY_AFTER: '2000',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    ({ processes: split, call, env } = shop);
    LAYOUT.forEach(([name]: [string], index: number) => collect(name, split.children[index]));
  }, 120_000);

  afterAll(async () => {
    for (const child of extra) child.kill('SIGKILL');
    await shop?.stop();
    await receiver?.stop();
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
    expect((await call('GET', `/api/v1/products/${productId}`, FRESH)).body.stock).toBe(7);
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

  it('exports the checkout as one trace from every process, every parent present, every span with shop.module; the monolith gives the same tree with local calls', async () => {
    const traceId = 'aaaabbbbccccddddeeeeffff00001111';
    const spansOf = (id: string) => receiver.spans.filter((span) => span.traceId === id);
    const consumed = (id: string) =>
      spansOf(id).some(
        (span) => span.name === 'consume order.confirmed' && span.attributes['shop.module'] === 'notifications',
      );
    await eventually('the notification consumer span', () => consumed(traceId), { timeoutMs: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 1000)); // what the last batches still hold
    const split = spansOf(traceId);
    expect([...new Set(split.map((span) => span.service))]).toEqual(expect.arrayContaining(SERVICES));
    expect(split.every((span) => span.protocol === 'http/protobuf')).toBe(true);
    for (const span of split) expect(span.attributes['shop.module'], span.name).toMatch(/^[a-z]+$/);
    const ids = new Set(split.map((span) => span.spanId));
    const orphans = split.filter((span) => span.parentSpanId !== CLIENT_SPAN && !ids.has(span.parentSpanId!));
    expect(orphans.map((span) => span.name)).toEqual([]);
    expect(split.filter((span) => span.parentSpanId === CLIENT_SPAN).map((span) => span.service)).toEqual([
      'shop-gateway',
    ]);
    const calls = split.filter((span) => span.attributes['shop.transport'] !== undefined);
    expect(calls.length).toBeGreaterThanOrEqual(8); // getProducts, reserve, charge, commitReservation: both sides
    expect(new Set(calls.map((span) => span.attributes['shop.transport']))).toEqual(new Set(['remote']));
    const byName = (name: string) => split.filter((span) => span.name === name).map((span) => span.service);
    expect(byName('payments/charge').sort()).toEqual(['shop-orders', 'shop-payments']);
    expect(byName('saga reserve')).toEqual(['shop-orders']);
    expect(byName('consume order.confirmed')).toEqual(['shop-notifications']);

    // The same checkout in one process, exported as OTLP/JSON.
    Object.assign(process.env, {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    const shop = await startTestShop();
    try {
      const customer = await shop.customer();
      const product = await shop.request('POST', '/api/v1/products', {
        token: await shop.adminToken(),
        body: { sku: 'MONO-1', name: 'Mono mug', priceCents: 1250, currency: 'USD', stock: 10 },
      });
      const monolithTrace = 'aaaabbbbccccddddeeeeffff00002222';
      const order = await shop.request('POST', '/api/v1/orders', {
        token: customer.token,
        headers: { 'idempotency-key': 'mono-1', traceparent: `00-${monolithTrace}-${CLIENT_SPAN}-01` },
        body: { items: [{ productId: product.body.id, quantity: 3 }], paymentMethod: { token: 'tok_visa' } },
      });
      expect(order.status).toBe(201);
      await eventually('the monolith consumer span', () => consumed(monolithTrace), { timeoutMs: 15_000 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const monolith = spansOf(monolithTrace);
      expect(new Set(monolith.map((span) => span.service))).toEqual(new Set(['shop']));
      expect(monolith.every((span) => span.protocol === 'http/json')).toBe(true);
      const local = monolith.filter((span) => span.attributes['shop.transport'] !== undefined);
      expect(new Set(local.map((span) => span.attributes['shop.transport']))).toEqual(new Set(['local']));
      expect(local).toHaveLength(calls.length);
      expect(shapeOf(monolith, checkoutSpan(monolith, 'shop'))).toBe(
        shapeOf(split, checkoutSpan(split, 'shop-orders')),
      );
    } finally {
      await shop.stop();
      for (const name of ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_PROTOCOL', 'OTEL_BSP_SCHEDULE_DELAY'])
        delete process.env[name];
    }
  }, 60_000);

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
    expect((await call('GET', `/api/v1/products/${productId}`, FRESH)).body.stock).toBe(5);

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
    expect((await call('GET', `/api/v1/products/${productId}`, FRESH)).body.stock).toBe(5);
    const payment = await call('GET', `/api/v1/payments/${order.body.paymentId}`, { token });
    expect(payment.body).toMatchObject({ status: 'captured', amountCents: 2500 });
  }, 90_000);
});
