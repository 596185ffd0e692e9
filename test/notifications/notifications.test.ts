import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ORDER_CANCELLED,
  ORDER_CONFIRMED,
  ORDER_PAYMENT_FAILED,
} from '../../src/modules/orders/contract/orders.events.js';
import { USER_REGISTERED } from '../../src/modules/users/contract/users.events.js';
import { createTestDatabase, requirePostgres } from '../support/services.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import { deliverDirectly, envelopeOf, listAll, ofTemplate, sleep } from './notifications.fixtures.js';
import { moduleKnex } from '../support/module-db.js';
import { eventually } from '../support/eventually.js';

const postgres = await requirePostgres();

// PostgreSQL unreachable: requirePostgres printed why (and fails under CI=true).
const backends = postgres ? ['SQLite', 'PostgreSQL'] : ['SQLite'];

describe.each(backends)('notifications on %s', (backend) => {
  let shop: TestShop;
  let dropDatabase: (() => Promise<void>) | undefined;
  let ada: { id: string; email: string; token: string };
  let bob: { id: string; email: string; token: string };

  beforeAll(async () => {
    const env: Record<string, string> = {};
    if (backend === 'PostgreSQL') {
      const database = await createTestDatabase('notifications');
      env.DATABASE_URL = database.url;
      dropDatabase = database.drop;
    }
    shop = await startTestShop(env);
    [ada, bob] = await Promise.all([shop.customer('Ada Lovelace'), shop.customer('Bob Builder')]);
  });

  afterAll(async () => {
    await shop?.stop();
    await dropDatabase?.();
  });

  const welcomesOf = async (user: { token: string }) => ofTemplate(await listAll(shop, user.token), 'welcome');

  it('sends exactly one welcome to a newly registered user, delivered to the log', async () => {
    await eventually('the welcome notification to be sent', async () =>
      (await welcomesOf(ada)).some((item) => item.status === 'sent'),
    );
    await sleep(200);
    const welcomes = await welcomesOf(ada);
    expect(welcomes).toHaveLength(1);
    expect(welcomes[0]).toMatchObject({
      userId: ada.id,
      channel: 'email',
      template: 'welcome',
      recipient: ada.email,
      subject: 'Welcome to Modular Shop',
      status: 'sent',
    });
    expect(welcomes[0].body).toContain('Hello Ada Lovelace,');
    expect(welcomes[0]).not.toHaveProperty('orderId');
    expect(Date.parse(welcomes[0].createdAt)).not.toBeNaN();
  });

  it('creates one notification when the same event is delivered 3 times at once', async () => {
    const before = (await welcomesOf(bob)).length;
    const envelope = envelopeOf(USER_REGISTERED, {
      userId: bob.id,
      email: bob.email,
      name: 'Bob Builder',
      registeredAt: new Date().toISOString(),
    });
    await Promise.all([
      deliverDirectly(shop, envelope),
      deliverDirectly(shop, envelope),
      deliverDirectly(shop, envelope),
    ]);
    await deliverDirectly(shop, envelope);
    expect((await welcomesOf(bob)).length).toBe(before + 1);
    expect(
      Number(
        (await moduleKnex(shop, 'notifications')('inbox').where({ event_id: envelope.id }).count({ n: '*' }))[0].n,
      ),
    ).toBe(1);
    expect(
      Number(
        (await moduleKnex(shop, 'notifications')('notifications').where({ event_id: envelope.id }).count({ n: '*' }))[0]
          .n,
      ),
    ).toBe(1);
  });

  it('creates one notification when the same envelope is published 3 times on the bus', async () => {
    const before = (await welcomesOf(bob)).length;
    const envelope = envelopeOf(USER_REGISTERED, {
      userId: bob.id,
      email: bob.email,
      name: 'Bob Builder',
      registeredAt: new Date().toISOString(),
    });
    for (let i = 0; i < 3; i += 1) await shop.host.bus.publish(envelope);
    await eventually('the published event to be consumed', async () => (await welcomesOf(bob)).length > before);
    await sleep(300); // room for a (wrong) second notification to appear
    expect((await welcomesOf(bob)).length).toBe(before + 1);
  });

  it('renders order_confirmed from the event: order id, item lines and total, to the address from users.getUser', async () => {
    const orderId = `order-${Date.now()}`;
    const envelope = envelopeOf(ORDER_CONFIRMED, {
      orderId,
      userId: ada.id,
      totalCents: 3498,
      currency: 'USD',
      paymentId: 'pay-1',
      items: [
        { productId: 'p-1', name: 'Blue Mug', quantity: 2, unitPriceCents: 1299, lineTotalCents: 2598 },
        { productId: 'p-2', name: 'Green Tea', quantity: 1, unitPriceCents: 900, lineTotalCents: 900 },
      ],
    });
    await shop.host.bus.publish(envelope);
    await eventually('order_confirmed', async () =>
      ofTemplate(await listAll(shop, ada.token), 'order_confirmed').some((item) => item.orderId === orderId),
    );
    const [confirmed] = ofTemplate(await listAll(shop, ada.token), 'order_confirmed').filter(
      (item) => item.orderId === orderId,
    );
    expect(confirmed).toMatchObject({
      userId: ada.id,
      recipient: ada.email,
      subject: `Your order ${orderId} is confirmed`,
    });
    expect(confirmed.body).toContain(`order ${orderId}`);
    expect(confirmed.body).toContain('2 × Blue Mug at $12.99 = $25.98');
    expect(confirmed.body).toContain('1 × Green Tea at $9.00 = $9.00');
    expect(confirmed.body).toContain('Total: $34.98');
  });

  it('renders order_cancelled and payment_failed, one each', async () => {
    const orderId = `order-${Date.now()}-b`;
    await deliverDirectly(
      shop,
      envelopeOf(ORDER_CANCELLED, { orderId, userId: ada.id, totalCents: 1050, currency: 'EUR' }),
    );
    await deliverDirectly(
      shop,
      envelopeOf(ORDER_PAYMENT_FAILED, {
        orderId,
        userId: ada.id,
        totalCents: 1050,
        currency: 'EUR',
        reason: 'card declined',
      }),
    );
    const forOrder = (await listAll(shop, ada.token)).filter((item) => item.orderId === orderId);
    expect(forOrder.map((item) => item.template).sort()).toEqual(['order_cancelled', 'payment_failed']);
    const cancelled = forOrder.find((item) => item.template === 'order_cancelled')!;
    expect(cancelled.body).toContain('€10.50 has been refunded');
    const failed = forOrder.find((item) => item.template === 'payment_failed')!;
    expect(failed.subject).toBe(`Payment for your order ${orderId} failed`);
    expect(failed.body).toContain('(card declined)');
  });

  it('skips an order event for a user that does not exist, without failing the delivery', async () => {
    const orderId = `order-${Date.now()}-ghost`;
    await deliverDirectly(
      shop,
      envelopeOf(ORDER_CANCELLED, { orderId, userId: 'no-such-user', totalCents: 100, currency: 'USD' }),
    );
    expect(
      Number(
        (await moduleKnex(shop, 'notifications')('notifications').where({ order_id: orderId }).count({ n: '*' }))[0].n,
      ),
    ).toBe(0);
  });

  it('shows each user only their own notifications', async () => {
    const [adas, bobs] = await Promise.all([listAll(shop, ada.token), listAll(shop, bob.token)]);
    expect(adas.length).toBeGreaterThanOrEqual(4);
    expect(bobs.length).toBeGreaterThanOrEqual(3);
    expect(adas.every((item) => item.userId === ada.id && item.recipient === ada.email)).toBe(true);
    expect(bobs.every((item) => item.userId === bob.id && item.recipient === bob.email)).toBe(true);
    const adaIds = new Set(adas.map((item) => item.id));
    expect(bobs.filter((item) => adaIds.has(item.id))).toEqual([]);
  });

  it('pages newest first with an opaque cursor, each notification exactly once', async () => {
    const all = await listAll(shop, ada.token);
    const paged = await listAll(shop, ada.token, 2);
    expect(paged.map((item) => item.id)).toEqual(all.map((item) => item.id));
    expect(new Set(paged.map((item) => item.id)).size).toBe(paged.length);
    const created = paged.map((item) => item.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    const first = await shop.request('GET', '/api/v1/notifications?limit=1', { token: ada.token });
    expect(first.body.items).toHaveLength(1);
    expect(typeof first.body.nextCursor).toBe('string');
  });

  it('answers 401 without a valid token and 400 for a bad limit or cursor', async () => {
    expect((await shop.request('GET', '/api/v1/notifications')).status).toBe(401);
    const garbage = await shop.request('GET', '/api/v1/notifications', { token: 'not-a-jwt' });
    expect(garbage.status).toBe(401);
    expect(garbage.body.code).toBe('unauthorized');
    for (const query of ['limit=0', 'limit=101', 'limit=abc', 'cursor=%21%21not-ours']) {
      const response = await shop.request('GET', `/api/v1/notifications?${query}`, { token: ada.token });
      expect(response.status, query).toBe(400);
      expect(response.body.code, query).toBe('validation_failed');
    }
  });

  it('delivers a notification whose first attempt never finished (the process died after the commit)', async () => {
    const db = moduleKnex(shop, 'notifications');
    const [welcome] = await welcomesOf(ada);
    await db('notifications')
      .where({ id: welcome.id })
      .update({ status: 'pending', attempts: 0, next_attempt_at: new Date(Date.now() - 1000).toISOString() });
    await eventually(
      'the retry task to send it',
      async () => (await db('notifications').where({ id: welcome.id }).first()).status === 'sent',
      { timeoutMs: 5000 },
    );
    const row = await db('notifications').where({ id: welcome.id }).first();
    expect(Number(row.attempts)).toBe(1);
    expect(row.next_attempt_at).toBeNull();
  });
});
