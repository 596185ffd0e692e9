import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpProxy } from '../support/events-tcp-proxy.js';
import { REDIS_URL, requireRedis, uniqueRedisPrefix } from '../support/services.js';
import { moduleKnex } from '../support/module-db.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import { createProduct, listAll, ofTemplate } from './notifications.fixtures.js';
import { eventually } from '../support/eventually.js';

const CHECKOUTS = 30;

describe.skipIf(!(await requireRedis()))('checkouts while Redis is unreachable (EVENT_BUS=bullmq)', () => {
  let shop: TestShop;
  let proxy: TcpProxy;
  let redis: ReturnType<typeof uniqueRedisPrefix>;

  /** Outbox rows of orders not yet handed to the bus. */
  const ordersBacklog = async () => {
    const [row] = await moduleKnex(shop, 'orders')('outbox').whereNull('dispatched_at').count({ n: '*' });
    return Number(row.n);
  };

  beforeAll(async () => {
    const target = new URL(REDIS_URL);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 6379) });
    redis = uniqueRedisPrefix('redis-outage-checkout');
    shop = await startTestShop({
      EVENT_BUS: 'bullmq',
      REDIS_URL: `redis://127.0.0.1:${proxy.port}`,
      BULLMQ_PREFIX: redis.prefix,
    });
  });
  afterAll(async () => {
    await shop?.stop();
    await proxy?.close();
    await redis?.cleanup();
  });

  it('keeps selling, grows the outbox backlog, then delivers every event exactly once when Redis returns', async () => {
    const customer = await shop.customer('Outage Customer');
    const confirmations = async () => ofTemplate(await listAll(shop, customer.token), 'order_confirmed').length;
    await eventually(
      'the welcome notification',
      async () => ofTemplate(await listAll(shop, customer.token), 'welcome').length === 1,
    );
    const productId = await createProduct(shop, {
      sku: `OUTAGE-${Date.now()}`,
      name: 'Outage mug',
      priceCents: 700,
      stock: 100,
    });

    proxy.cut();
    const statuses: number[] = [];
    for (let i = 0; i < CHECKOUTS; i++) {
      const response = await shop.request('POST', '/api/v1/orders', {
        token: customer.token,
        body: { items: [{ productId, quantity: 1 }], paymentMethod: { token: 'tok_visa' } },
      });
      statuses.push(response.status);
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(CHECKOUTS);
    expect(await ordersBacklog()).toBe(CHECKOUTS);
    expect((await shop.request('GET', '/health/ready')).status).toBe(503);
    expect(await confirmations()).toBe(0);

    proxy.restore();
    await eventually(
      'the backlog to drain',
      async () => (await ordersBacklog()) === 0 && (await confirmations()) >= CHECKOUTS,
      { timeoutMs: 30_000 },
    );
    expect(await confirmations()).toBe(CHECKOUTS);
    expect((await shop.request('GET', `/api/v1/products/${productId}`)).body.stock).toBe(100 - CHECKOUTS);
    expect((await shop.request('GET', '/health/ready')).status).toBe(200);
  }, 90_000);
});
