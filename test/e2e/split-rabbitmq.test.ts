import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { startSplitMode, type RunningSplit } from '../support/modes.js';
import { openModuleKnex } from '../support/module-db.js';
import { rabbitmqQueues, requireRabbitmq } from '../support/rabbitmq.js';
import { requirePostgres, requireRedis } from '../support/services.js';
import { ADMIN } from '../support/shop.js';

const CHECKOUTS = 20;
const available = (await requirePostgres()) && (await requireRedis()) && (await requireRabbitmq());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!available)('split mode on RabbitMQ with two notifications instances', () => {
  let shop: RunningSplit;

  beforeAll(async () => {
    shop = await startSplitMode('split_rabbitmq', { bus: 'rabbitmq', instances: { notifications: 2 } });
  }, 180_000);
  afterAll(async () => shop?.stop(), 60_000);

  it('sends exactly 20 order_confirmed when a notifications instance is killed during 20 checkouts and started again', async () => {
    const { call, processes, env } = shop;
    const admin = (await call('POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken;
    const product = await call('POST', '/api/v1/products', {
      token: admin,
      body: { sku: 'RABBIT-1', name: 'Rabbit mug', priceCents: 800, currency: 'USD', stock: 100 },
    });
    const credentials = { email: 'rabbit@shop.test', password: 'correct-horse-1' };
    await call('POST', '/api/v1/auth/register', { body: { ...credentials, name: 'Rabbit' } });
    const token = (await call('POST', '/api/v1/auth/login', { body: credentials })).body.accessToken;

    const orderIds: string[] = [];
    const checkouts = Array.from({ length: CHECKOUTS }, async (_, n) => {
      await sleep(n * 50); // spread over a second, so the kill lands among them
      const response = await call('POST', '/api/v1/orders', {
        token,
        headers: { 'idempotency-key': `rabbit-${n}` },
        body: { items: [{ productId: product.body.id, quantity: 1 }], paymentMethod: { token: 'tok_visa' } },
      });
      if (response.status === 201) orderIds.push(response.body.id);
    });
    await sleep(300);
    const victim = processes.instances.find((instance) => instance.label === 'notifications-1')!;
    victim.child.kill('SIGKILL');
    await Promise.all(checkouts);
    expect(orderIds).toHaveLength(CHECKOUTS);
    await processes.restart(victim);

    const notifications = openModuleKnex('notifications', { databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
    try {
      const confirmed = async () =>
        (await notifications('notifications').where({ template: 'order_confirmed' }).select('order_id')).map(
          (row: { order_id: string }) => row.order_id,
        );
      await eventually(`${CHECKOUTS} order_confirmed`, async () => (await confirmed()).length >= CHECKOUTS, {
        timeoutMs: 20_000,
      });
      await sleep(500); // room for a (wrong) extra notification
      expect((await confirmed()).sort()).toEqual([...orderIds].sort());
    } finally {
      await notifications.destroy();
    }
    // The consuming module's queue (notifications is the only one) is a quorum queue under the prefix, as is its dead-letter queue.
    const queues = await rabbitmqQueues(env.RABBITMQ_URL);
    expect(queues.map(({ name, type }) => `${name} ${type}`)).toEqual([
      'shop.notifications quorum',
      'shop.notifications.dead-letter quorum',
    ]);
  }, 120_000);
});
