import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.js';
import { moduleKnex } from '../support/module-db.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import { checkout, createProduct, stockOf } from '../orders/orders.fixtures.js';

const CHECKOUTS = 60;
const SLOW_TOKEN = 'tok_slow_4000';
const PLACES = 32;

/** Nearest-rank percentile. */
const percentile = (samples: number[], p: number): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
};

type Probe = 'product read' | 'login' | 'GET /orders';

/**
 * The latency of the calls every other customer makes while `running()` holds: product reads,
 * logins and the list of one's orders, each by its own clients, one call after the other. A login
 * takes a 128 MiB scrypt (about half a second of CPU), so three clients log in, for samples enough.
 */
async function measure(
  shop: TestShop,
  productId: string,
  user: { email: string; token: string },
  running: () => boolean,
): Promise<Record<Probe, number[]>> {
  const calls: Record<Probe, () => Promise<{ status: number }>> = {
    'product read': () => shop.request('GET', `/api/v1/products/${productId}`),
    login: () =>
      shop.request('POST', '/api/v1/auth/login', { body: { email: user.email, password: 'correct-horse-1' } }),
    'GET /orders': () => shop.request('GET', '/api/v1/orders', { token: user.token }),
  };
  const samples: Record<Probe, number[]> = { 'product read': [], login: [], 'GET /orders': [] };
  const clients: Probe[] = ['product read', 'GET /orders', 'login', 'login', 'login'];
  await Promise.all(
    clients.map(async (probe) => {
      while (running()) {
        const started = performance.now();
        const { status } = await calls[probe]();
        samples[probe].push(performance.now() - started);
        expect(status, probe).toBe(200);
      }
    }),
  );
  return samples;
}

const gaugeValue = async (shop: TestShop, metric: string, bulkhead: string): Promise<number> => {
  const values = (await shop.host.metrics.registry.getSingleMetric(metric)?.get())?.values ?? [];
  return values.find((value) => value.labels.bulkhead === bulkhead)?.value ?? 0;
};

describe('bulkheads: a slow payment provider in the monolith', () => {
  let shop: TestShop;

  beforeAll(async () => {
    // 32 places per module, so that 60 slow charges saturate payments' bulkhead.
    shop = await startTestShop({ RATE_LIMIT_PER_MINUTE: '0', BULKHEAD_CONCURRENCY: String(PLACES) });
  });
  afterAll(async () => {
    await shop?.stop();
  });

  it(`answers ${CHECKOUTS} concurrent checkouts with ${SLOW_TOKEN} within 8 s while reads, logins and GET /orders keep their p99 within 3x, and settles every order`, async () => {
    const admin = await shop.adminToken();
    const productId = await createProduct(shop, admin, { stock: 1000, priceCents: 500 });
    const buyers = await Promise.all(Array.from({ length: 6 }, (_, i) => shop.customer(`Buyer ${i}`)));
    const watcher = await shop.customer('Watcher');

    const beforeUntil = performance.now() + 4000;
    const before = await measure(shop, productId, watcher, () => performance.now() < beforeUntil);

    const started = performance.now();
    const answers = Promise.all(
      Array.from({ length: CHECKOUTS }, async (_, i) => {
        const response = await checkout(shop, buyers[i % buyers.length].token, [{ productId, quantity: 1 }], {
          paymentToken: SLOW_TOKEN,
        });
        return { status: response.status, orderId: response.body?.id as string, ms: performance.now() - started };
      }),
    );
    // "Meanwhile": from the moment payments is saturated until the slow charges come back (none started
    // before the checkouts were sent, so none answers within 4 s of that).
    await eventually('payments saturated', () => gaugeValue(shop, 'bulkhead_in_flight', 'module:payments'), {
      until: (inFlight) => inFlight >= PLACES,
    });
    let answered = false;
    const during = measure(shop, productId, watcher, () => !answered && performance.now() - started < 3700);
    const checkouts = await answers;
    answered = true;
    const meanwhile = await during;

    const slowest = Math.max(...checkouts.map((answer) => answer.ms));
    const statuses = checkouts.map((answer) => answer.status);
    const figures = (Object.keys(before) as Probe[]).map((probe) => ({
      probe,
      before: Math.round(percentile(before[probe], 99) * 10) / 10,
      during: Math.round(percentile(meanwhile[probe], 99) * 10) / 10,
      samples: [before[probe].length, meanwhile[probe].length],
    }));
    console.info(
      JSON.stringify({
        slowestAnswerMs: Math.round(slowest),
        confirmed: statuses.filter((s) => s === 201).length,
        pending: statuses.filter((s) => s === 202).length,
        rejected: await gaugeValue(shop, 'bulkhead_rejected_total', 'module:payments'),
        figures,
      }),
    );
    expect(statuses.filter((status) => status !== 201 && status !== 202)).toEqual([]);
    expect(slowest).toBeLessThan(8000);
    // Payments ran 32 slow charges at once; the others were refused and left to the background.
    expect(statuses.filter((status) => status === 202).length).toBeGreaterThan(0);
    for (const { probe, before: p99Before, during: p99During, samples } of figures) {
      expect(samples[1], `${probe} was measured while payments was slow`).toBeGreaterThanOrEqual(3);
      expect(p99During, `${probe} p99 during vs before`).toBeLessThanOrEqual(3 * p99Before);
    }

    // Afterwards every order settles, with exactly one captured charge per confirmed order.
    const orderIds = checkouts.map((answer) => answer.orderId);
    const orders = moduleKnex(shop, 'orders');
    const unsettled = () =>
      orders('orders').whereIn('id', orderIds).whereNotIn('status', ['confirmed', 'payment_failed']);
    await eventually('every order settled', async () => (await unsettled()).length, {
      until: (open) => open === 0,
      timeoutMs: 40_000,
      everyMs: 250,
    });
    const settled = await orders('orders').whereIn('id', orderIds).select('id', 'status');
    const confirmed = settled.filter((order) => order.status === 'confirmed').map((order) => order.id);
    const payments = await moduleKnex(shop, 'payments')('payments').whereIn('order_id', orderIds);
    const captured = payments.filter((payment) => payment.status === 'captured').map((payment) => payment.order_id);
    expect(settled).toHaveLength(CHECKOUTS);
    expect(captured.sort()).toEqual(confirmed.sort());
    expect(await stockOf(shop, productId)).toBe(1000 - confirmed.length);
  }, 90_000);
});
