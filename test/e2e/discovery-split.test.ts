import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireEtcd, startEtcd, type TestEtcd } from '../support/etcd.js';
import { eventually } from '../support/eventually.js';
import { expectProblem, type HttpCall } from '../support/http.js';
import { startSplitMode, type RunningSplit, type SplitProcesses } from '../support/modes.js';
import { requirePostgres, requireRedis, uniqueSuffix } from '../support/services.js';
import { ADMIN } from '../support/shop.js';

/** Stock read past the gateway's shared cache (RFC 9111 no-cache), to see a checkout's effect at once. */
const FRESH = { headers: { 'cache-control': 'no-cache' } };
const available = requireEtcd() && (await requirePostgres()) && (await requireRedis());

describe.skipIf(!available)('split mode found through etcd: no <MODULE>_URL anywhere', () => {
  const prefix = `/test-${uniqueSuffix()}/`;
  let etcd: TestEtcd;
  let client: Etcd3;
  let shop: RunningSplit;
  let split: SplitProcesses;
  let call: HttpCall;

  const registered = async (module: string) =>
    Object.values(await client.getAll().prefix(`${prefix}services/${module}/`).strings()).map(
      (value) => JSON.parse(value).url as string,
    );

  beforeAll(async () => {
    etcd = await startEtcd();
    client = new Etcd3({ hosts: etcd.clientUrl });
    shop = await startSplitMode('discovery', {
      env: { SAGA_RECOVERY_AFTER: '2000', DISCOVERY_URL: etcd.discoveryUrl, DISCOVERY_PREFIX: prefix },
    });
    split = shop.processes;
    call = shop.call;
  }, 120_000);

  afterAll(async () => {
    await shop?.stop();
    await client?.delete().prefix(prefix);
    client?.close();
    await etcd?.stop();
  }, 60_000);

  it('registers all six processes, each at its advertised URL', async () => {
    expect(split.moduleUrls).toEqual({});
    for (const name of ['gateway', 'users', 'catalog', 'orders', 'payments', 'notifications']) {
      expect(await registered(name), name).toEqual([split.urls[name]]);
    }
  });

  let token: string;
  let productId: string;
  let paymentId: string;

  it('serves a checkout through the gateway, and the notification arrives', async () => {
    const credentials = { email: 'discovery-user@shop.test', password: 'correct-horse-1' };
    expect((await call('POST', '/api/v1/auth/register', { body: { ...credentials, name: 'Disco' } })).status).toBe(201);
    token = (await call('POST', '/api/v1/auth/login', { body: credentials })).body.accessToken;
    const admin = (await call('POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken;
    const product = await call('POST', '/api/v1/products', {
      token: admin,
      body: { sku: 'DISCO-1', name: 'Discovery mug', priceCents: 900, currency: 'USD', stock: 10 },
    });
    expect(product.status).toBe(201);
    productId = product.body.id;

    const order = await call('POST', '/api/v1/orders', {
      token,
      body: { items: [{ productId, quantity: 2 }], paymentMethod: { token: 'tok_visa' } },
    });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ status: 'confirmed', totalCents: 1800 });
    paymentId = order.body.paymentId;
    expect((await call('GET', `/api/v1/products/${productId}`, FRESH)).body.stock).toBe(8);

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
    const confirmed = notifications.body.items.find((n: { template: string }) => n.template === 'order_confirmed');
    expect(notifications.body.items.map((n: { template: string }) => n.template).sort()).toEqual([
      'order_confirmed',
      'welcome',
    ]);
    expect(confirmed.orderId).toBe(order.body.id);
  });

  it('treats a module with no registered instance as down (202 at checkout, 503 through the gateway) until one registers', async () => {
    const payments = split.instances.find(({ name }) => name === 'payments')!;
    await new Promise((resolve) => {
      payments.child.once('exit', resolve);
      payments.child.kill('SIGTERM');
    });
    expect(await registered('payments')).toEqual([]);

    const pending = await call('POST', '/api/v1/orders', {
      token,
      body: { items: [{ productId, quantity: 3 }], paymentMethod: { token: 'tok_visa' } },
    });
    expect(pending.status).toBe(202);
    expect(pending.body.status).toBe('payment_pending');
    expect((await call('GET', `/api/v1/products/${productId}`, FRESH)).body.stock).toBe(5);
    expectProblem(await call('GET', `/api/v1/payments/${paymentId}`, { token }), 503, 'service_unavailable');

    await split.restart(payments.label);
    expect(await registered('payments')).toEqual([payments.url]);
    const order = await eventually(
      'the order to be confirmed',
      () => call('GET', `/api/v1/orders/${pending.body.id}`, { token }),
      { until: (r) => r.body?.status === 'confirmed', timeoutMs: 40_000, everyMs: 200, onTimeout: 'return' },
    );
    expect(order.body.status).toBe('confirmed');
    expect((await call('GET', `/api/v1/products/${productId}`, FRESH)).body.stock).toBe(5);
    const payment = await call('GET', `/api/v1/payments/${order.body.paymentId}`, { token });
    expect(payment.body).toMatchObject({ status: 'captured', amountCents: 2700 });
  }, 90_000);
});
