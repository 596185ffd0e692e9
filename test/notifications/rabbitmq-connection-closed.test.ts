import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { moduleKnex } from '../support/module-db.js';
import { createTestVhost, requireRabbitmq, type TestVhost } from '../support/rabbitmq.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import { createProduct, sleep } from './notifications.fixtures.js';

const CHECKOUTS = 40;
const CONCURRENCY = 4;

describe.skipIf(!(await requireRabbitmq()))(
  'the broker closes the connection during checkouts (EVENT_BUS=rabbitmq)',
  () => {
    let shop: TestShop;
    let vhost: TestVhost;

    const ordersBacklog = async () => {
      const [row] = await moduleKnex(shop, 'orders')('outbox').whereNull('dispatched_at').count({ n: '*' });
      return Number(row.n);
    };
    const ids = async (module: 'orders' | 'payments' | 'notifications', table: string, where: object, column: string) =>
      (await moduleKnex(shop, module)(table).where(where).select(column)).map(
        (row: Record<string, string>) => row[column],
      );

    beforeAll(async () => {
      vhost = await createTestVhost('connection-closed');
      shop = await startTestShop({ EVENT_BUS: 'rabbitmq', RABBITMQ_URL: vhost.url });
    });
    afterAll(async () => {
      await shop?.stop();
      await vhost?.drop();
    });

    it('keeps selling, reports the bus while it is away, reconnects by itself, and the books agree exactly once', async () => {
      const customer = await shop.customer('Reconnect Customer');
      const productId = await createProduct(shop, {
        sku: `RECONNECT-${Date.now()}`,
        name: 'Reconnect mug',
        priceCents: 900,
        stock: 100,
      });
      const orderIds: string[] = [];
      const failures: number[] = [];
      let started = 0;
      const checkouts = (upTo: number) => async () => {
        while (started < upTo) {
          started++;
          const response = await shop.request('POST', '/api/v1/orders', {
            token: customer.token,
            body: { items: [{ productId, quantity: 1 }], paymentMethod: { token: 'tok_visa' } },
          });
          if (response.status === 201) orderIds.push(response.body.id as string);
          else failures.push(response.status);
        }
      };
      const load = (upTo: number) => Promise.all(Array.from({ length: CONCURRENCY }, checkouts(upTo)));
      const during = load(CHECKOUTS / 2);

      await eventually('the load to get going', () => orderIds.length >= 5);
      // The broker closes the process's connection, and refuses its reconnects until the guest is let in again.
      await vhost.allowGuest(false);
      expect(await vhost.closeConnections()).toBeGreaterThan(0);
      const away = await eventually('/health/ready to report the bus', async () => {
        const response = await shop.request('GET', '/health/ready');
        return response.status === 503 ? response.body : undefined;
      });
      expect(away.checks['events:rabbitmq']).toMatchObject({ status: 'failing' });
      await during;
      await load(CHECKOUTS); // the second half while the bus is away
      expect(failures).toEqual([]);
      expect(orderIds).toHaveLength(CHECKOUTS);
      expect(await ordersBacklog()).toBeGreaterThanOrEqual(CHECKOUTS / 2); // the outage's events wait in the outbox

      await vhost.allowGuest(true);
      await eventually('the reconnect', async () => (await shop.request('GET', '/health/ready')).status === 200, {
        timeoutMs: 15_000,
      });
      const confirmed = () => ids('notifications', 'notifications', { template: 'order_confirmed' }, 'order_id');
      await eventually('the backlog to drain', async () => (await ordersBacklog()) === 0, { timeoutMs: 15_000 });
      await eventually(`${CHECKOUTS} order_confirmed`, async () => (await confirmed()).length >= CHECKOUTS, {
        timeoutMs: 15_000,
      });
      await sleep(500); // room for a (wrong) extra notification

      const expected = [...orderIds].sort();
      expect((await ids('orders', 'orders', { status: 'confirmed' }, 'id')).sort()).toEqual(expected);
      expect((await ids('payments', 'payments', { status: 'captured' }, 'order_id')).sort()).toEqual(expected);
      expect((await confirmed()).sort()).toEqual(expected);
      expect((await shop.request('GET', `/api/v1/products/${productId}`)).body.stock).toBe(100 - CHECKOUTS);
    }, 90_000);
  },
);
