import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type CatalogApi,
  catalogOperations,
  CATALOG_API,
} from '../../src/modules/catalog/contract/catalog.contract.js';
import {
  type PaymentsApi,
  paymentsOperations,
  PAYMENTS_API,
} from '../../src/modules/payments/contract/payments.contract.js';
import { AppError } from '../../src/platform/kernel/errors.js';
import { eventually } from '../support/eventually.js';
import { moduleKnex } from '../support/module-db.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import { checkout, createProduct, delegate, stockOf } from './orders.fixtures.js';
import { auditSagas, CONSISTENT } from './saga-audit.js';

/**
 * Fault injection at every step of the checkout saga, through DI only: the CATALOG_API and
 * PAYMENTS_API tokens are re-registered in the host's container with wrappers around the real
 * implementations that fail at a chosen point. After the recovery (SAGA_RECOVERY_AFTER=1 s) stock
 * and money must agree.
 */
describe('checkout saga under injected faults', () => {
  let shop: TestShop;
  let admin: string;
  let customer: { id: string; token: string };
  let realCatalog: CatalogApi;
  let realPayments: PaymentsApi;
  const initialStock = new Map<string, number>();

  const product = async (stock: number) => {
    const id = await createProduct(shop, admin, { stock, priceCents: 1000 });
    initialStock.set(id, stock);
    return id;
  };
  const injectCatalog = (overrides: Partial<CatalogApi>) =>
    shop.host.container.register(CATALOG_API, { useValue: delegate(realCatalog, catalogOperations, overrides) });
  const injectPayments = (overrides: Partial<PaymentsApi>) =>
    shop.host.container.register(PAYMENTS_API, { useValue: delegate(realPayments, paymentsOperations, overrides) });
  /** Fails the first `times` calls (after or before doing the real thing), then behaves. */
  const failing = <I, O>(
    times: number,
    real: (input: I) => Promise<O>,
    when: 'after' | 'before',
    error: () => Error = () => new Error('injected fault'),
  ) => {
    let left = times;
    return async (input: I): Promise<O> => {
      if (left <= 0) return real(input);
      left -= 1;
      if (when === 'after') await real(input);
      throw error();
    };
  };
  const unavailable = () => new AppError('service_unavailable', 'payments unavailable (injected)');
  const orderStatus = async (id: string) =>
    ((await moduleKnex(shop, 'orders')('orders').where({ id }).first()) as { status: string }).status;
  const settled = (id: string) =>
    eventually(
      `order ${id} to settle`,
      async () => {
        const status = await orderStatus(id);
        return ['pending', 'payment_pending', 'cancelling'].includes(status) ? undefined : status;
      },
      { timeoutMs: 20_000, everyMs: 100 },
    );
  const audit = () =>
    auditSagas(
      {
        orders: moduleKnex(shop, 'orders'),
        catalog: moduleKnex(shop, 'catalog'),
        payments: moduleKnex(shop, 'payments'),
      },
      initialStock,
    );

  beforeAll(async () => {
    shop = await startTestShop({ SAGA_RECOVERY_AFTER: '1000' });
    [admin, customer] = await Promise.all([shop.adminToken(), shop.customer('Faulty')]);
    realCatalog = shop.host.modules.get('catalog')!.container.resolve(CATALOG_API);
    realPayments = shop.host.modules.get('payments')!.container.resolve(PAYMENTS_API);
  });
  afterEach(() => {
    shop.host.container.register(CATALOG_API, { useValue: realCatalog });
    shop.host.container.register(PAYMENTS_API, { useValue: realPayments });
  });
  afterAll(async () => {
    await shop?.stop();
  });

  it('after reserve: answers 503 and gives the stock back at once', async () => {
    const id = await product(5);
    injectCatalog({ reserve: failing(1, (input) => realCatalog.reserve(input), 'after') });
    const response = await checkout(shop, customer.token, [{ productId: id, quantity: 2 }]);
    expect(response.status, JSON.stringify(response.body)).toBe(503);
    expect(response.body.code).toBe('service_unavailable');
    expect(await stockOf(shop, id)).toBe(5);
  });

  it('after reserve, with the release failing too: the recovery releases it and fails the order', async () => {
    const id = await product(5);
    injectCatalog({
      reserve: failing(1, (input) => realCatalog.reserve(input), 'after'),
      releaseReservation: failing(1, (input) => realCatalog.releaseReservation(input), 'before'),
    });
    expect((await checkout(shop, customer.token, [{ productId: id, quantity: 2 }])).status).toBe(503);
    expect(await stockOf(shop, id)).toBe(3);
    const [order] = await moduleKnex(shop, 'orders')('orders').whereRaw('items like ?', [`%${id}%`]);
    expect(await settled(order.id)).toBe('payment_failed');
    expect(await stockOf(shop, id)).toBe(5);
  });

  it('after charge: answers 202 payment_pending, then the retry (same key) confirms it once', async () => {
    const id = await product(5);
    injectPayments({ charge: failing(2, (input) => realPayments.charge(input), 'after') });
    const response = await checkout(shop, customer.token, [{ productId: id, quantity: 2 }]);
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    expect(response.body.status).toBe('payment_pending');
    expect(response.headers.get('location')).toBe(`/api/v1/orders/${response.body.id}`);
    expect(await stockOf(shop, id)).toBe(3);
    expect(await settled(response.body.id)).toBe('confirmed');
    const order = await shop.request('GET', `/api/v1/orders/${response.body.id}`, { token: customer.token });
    expect(order.body).toMatchObject({ status: 'confirmed', paymentId: expect.any(String) });
    expect(
      await moduleKnex(shop, 'payments')('payments').where({ order_id: response.body.id }).select('status'),
    ).toEqual([{ status: 'captured' }]);
    expect(await stockOf(shop, id)).toBe(3);
  });

  it('before confirm (commit fails before or after committing): 202, then confirmed by the recovery', async () => {
    for (const when of ['before', 'after'] as const) {
      const id = await product(5);
      injectCatalog({ commitReservation: failing(1, (input) => realCatalog.commitReservation(input), when) });
      const response = await checkout(shop, customer.token, [{ productId: id, quantity: 1 }]);
      expect(response.status, JSON.stringify(response.body)).toBe(202);
      expect(await settled(response.body.id)).toBe('confirmed');
      expect(await stockOf(shop, id)).toBe(4);
    }
  });

  it('payments unreachable for a while: 202, stock stays held, confirmed once payments is back', async () => {
    const id = await product(5);
    const until = Date.now() + 1500;
    let attempts = 0;
    injectPayments({
      charge: async (input) => {
        attempts += 1;
        if (Date.now() < until) throw unavailable();
        return realPayments.charge(input);
      },
    });
    const key = `pending-${Date.now()}`;
    const response = await checkout(shop, customer.token, [{ productId: id, quantity: 3 }], { key });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ status: 'payment_pending', paymentId: null, totalCents: 3000 });
    expect(await stockOf(shop, id)).toBe(2);
    expect(
      (await shop.request('GET', `/api/v1/orders/${response.body.id}`, { token: customer.token })).body.status,
    ).toBe('payment_pending');
    expect(await settled(response.body.id)).toBe('confirmed');
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(await stockOf(shop, id)).toBe(2);
    // The 202 was the request's final response: a retry replays it (the order itself is polled with GET).
    const replay = await checkout(shop, customer.token, [{ productId: id, quantity: 3 }], { key });
    expect([replay.status, replay.headers.get('idempotent-replayed'), replay.body]).toEqual([
      202,
      'true',
      response.body,
    ]);
    expect(
      (await shop.request('GET', `/api/v1/orders/${response.body.id}`, { token: customer.token })).body.status,
    ).toBe('confirmed');
  });

  it('payments unreachable, then the card is declined: the held stock is released', async () => {
    const id = await product(5);
    injectPayments({ charge: failing(1, (input) => realPayments.charge(input), 'before', unavailable) });
    const response = await checkout(shop, customer.token, [{ productId: id, quantity: 3 }], {
      paymentToken: 'tok_chargeDeclined',
    });
    expect(response.status).toBe(202);
    expect(await stockOf(shop, id)).toBe(2);
    expect(await settled(response.body.id)).toBe('payment_failed');
    expect(await stockOf(shop, id)).toBe(5);
  });

  it('cancel while payments is down: cancelled at once, refund and restock completed by the recovery', async () => {
    const id = await product(5);
    const placed = await checkout(shop, customer.token, [{ productId: id, quantity: 2 }]);
    expect(placed.status).toBe(201);
    injectPayments({ refund: failing(2, (input) => realPayments.refund(input), 'before', unavailable) });
    const cancelled = await shop.request('POST', `/api/v1/orders/${placed.body.id}/cancel`, { token: customer.token });
    expect([cancelled.status, cancelled.body.status]).toEqual([200, 'cancelled']);
    expect(
      (await shop.request('POST', `/api/v1/orders/${placed.body.id}/cancel`, { token: customer.token })).status,
    ).toBe(409);
    expect(await settled(placed.body.id)).toBe('cancelled');
    expect(await stockOf(shop, id)).toBe(5);
    expect(
      (await shop.request('GET', `/api/v1/payments/${placed.body.paymentId}`, { token: customer.token })).body.status,
    ).toBe('refunded');
  });

  it('a batch of checkouts with faults at random steps ends consistent', async () => {
    const ids = [await product(40), await product(40)];
    const random =
      <I, O>(real: (input: I) => Promise<O>) =>
      async (input: I): Promise<O> => {
        const roll = Math.random();
        if (roll < 0.1) throw new Error('injected before');
        const output = await real(input);
        if (roll > 0.85) throw new Error('injected after');
        return output;
      };
    injectCatalog({
      reserve: random((i) => realCatalog.reserve(i)),
      commitReservation: random((i) => realCatalog.commitReservation(i)),
      releaseReservation: random((i) => realCatalog.releaseReservation(i)),
    });
    injectPayments({
      charge: random((i) => realPayments.charge(i)),
      findCharge: random((i) => realPayments.findCharge(i)),
      refund: random((i) => realPayments.refund(i)),
    });
    const responses = await Promise.all(
      Array.from({ length: 60 }, (_, n) =>
        checkout(
          shop,
          customer.token,
          [
            { productId: ids[n % 2], quantity: 1 + (n % 3) },
            ...(n % 4 === 0 ? [{ productId: ids[(n + 1) % 2], quantity: 1 }] : []),
          ],
          {
            paymentToken: n % 7 === 0 ? 'tok_chargeDeclined' : 'tok_visa',
          },
        ),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(
      statuses.every((status) => [201, 202, 402, 409, 503].includes(status)),
      statuses.join(),
    ).toBe(true);
    // Faults keep firing for a while as the recovery works (it has to get through them on later
    // passes), then stop, so the backoff does not stretch the test.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    shop.host.container.register(CATALOG_API, { useValue: realCatalog });
    shop.host.container.register(PAYMENTS_API, { useValue: realPayments });
    await eventually('every order to settle', async () => (await audit()).unfinishedOrders.length === 0, {
      timeoutMs: 40_000,
      everyMs: 200,
    });
    console.log(
      'random faults: responses',
      JSON.stringify(
        Object.fromEntries(statuses.reduce((m, s) => m.set(s, (m.get(s) ?? 0) + 1), new Map<number, number>())),
      ),
    );
  }, 60_000);

  it('leaves stock and payments consistent after all of the above', async () => {
    await eventually('every order to settle', async () => (await audit()).unfinishedOrders.length === 0, {
      timeoutMs: 20_000,
      everyMs: 100,
    });
    const result = await audit();
    console.log(
      'fault audit:',
      JSON.stringify({ orders: result.orderStatuses, payments: result.paymentStatuses, soldUnits: result.soldUnits }),
    );
    expect(result).toMatchObject(CONSISTENT);
  });
});
