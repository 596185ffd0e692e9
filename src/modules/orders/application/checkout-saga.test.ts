import { pino } from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/kernel/errors.js';
import type { CatalogApi } from '../../catalog/contract/catalog.contract.js';
import type { PaymentsApi, PaymentView } from '../../payments/contract/payments.contract.js';
import type { Order, OrderStatus, SagaLease } from '../domain/order.js';
import { OrdersMetrics } from '../infrastructure/orders-metrics.js';
import { CheckoutSaga } from './checkout-saga.js';
import { OrderTransitions } from './order-transitions.js';
import type { DueOrder, OrderChange, OrdersRepository, TransitionRecords } from './ports/orders-repository.port.js';
import { SagaRunner } from './saga-runner.js';

/** In memory, with the conditional semantics of the real repository. */
class FakeOrders implements OrdersRepository {
  readonly rows = new Map<string, { order: Order; lease: { owner: string | null; until: number } }>();
  readonly events: Array<{ orderId: string; name: string }> = [];
  async insert(order: Order, lease: SagaLease) {
    this.rows.set(order.id, { order, lease });
    return true;
  }
  async transition(
    id: string,
    from: OrderStatus,
    owner: string | null,
    change: OrderChange,
    { event }: TransitionRecords = {},
  ) {
    const row = this.rows.get(id);
    if (!row || row.order.status !== from || (owner !== null && row.lease.owner !== owner)) return false;
    const { lease, ...fields } = change;
    row.order = { ...row.order, ...fields };
    if (lease) row.lease = lease;
    if (event) this.events.push({ orderId: id, name: event.event.name });
    return true;
  }
  async findById(id: string) {
    return this.rows.get(id)?.order;
  }
  async listByUser() {
    return [];
  }
  async findDue(): Promise<DueOrder[]> {
    return [];
  }
  async claim() {
    return undefined;
  }
}

const unavailable = () => new AppError('service_unavailable', 'down');
const payment = (status: PaymentView['status']): PaymentView => ({
  id: 'pay-1',
  orderId: 'o-1',
  userId: 'u-1',
  amountCents: 500,
  currency: 'USD',
  status,
  createdAt: '',
});

function setup(
  behaviour: {
    commit?: () => Promise<unknown>;
    release?: () => Promise<unknown>;
    refund?: () => Promise<unknown>;
  } = {},
) {
  const calls: string[] = [];
  const record = (name: string, fn?: () => Promise<unknown>) => async () => {
    calls.push(name);
    return fn ? fn() : { orderId: 'o-1', status: 'held' };
  };
  const catalog = {
    commitReservation: record('commit', behaviour.commit),
    releaseReservation: record('release', behaviour.release),
  } as unknown as CatalogApi;
  const payments = { refund: record('refund', behaviour.refund) } as unknown as PaymentsApi;
  const orders = new FakeOrders();
  const order: Order = {
    id: 'o-1',
    userId: 'u-1',
    status: 'pending',
    lines: [{ productId: 'p', sku: 's', name: 'n', unitPriceCents: 500, quantity: 1, lineTotalCents: 500 }],
    totalCents: 500,
    currency: 'USD',
    paymentId: null,
    paymentToken: 'tok_x',
    failureCode: null,
    attempts: 0,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  orders.rows.set(order.id, { order, lease: { owner: 'me', until: Date.now() + 1000 } });
  const logger = pino({ level: 'silent' });
  const runner = new SagaRunner(new OrdersMetrics(new Registry()));
  const saga = new CheckoutSaga(catalog, payments, new OrderTransitions(orders, logger), logger, runner);
  return { saga, orders, order, calls };
}

describe('checkout saga: settling a known charge outcome', () => {
  it('captured: commits the stock, then confirms with order.confirmed', async () => {
    const { saga, orders, order, calls } = setup();
    const { order: settled } = await saga.steps.settle.run(
      { order, owner: 'me' },
      payment('captured'),
      'checkout_interrupted',
    );
    expect([settled.status, settled.paymentId, settled.paymentToken, calls]).toEqual([
      'confirmed',
      'pay-1',
      null,
      ['commit'],
    ]);
    expect(orders.events).toEqual([{ orderId: 'o-1', name: 'order.confirmed' }]);
  });

  it('captured but the reservation is gone: refunds and fails the order (reservation_expired)', async () => {
    const { saga, orders, order, calls } = setup({
      commit: async () => Promise.reject(new AppError('invalid_state', 'released')),
    });
    const { order: settled } = await saga.steps.settle.run(
      { order, owner: 'me' },
      payment('captured'),
      'checkout_interrupted',
    );
    expect([settled.status, settled.failureCode, calls]).toEqual([
      'payment_failed',
      'reservation_expired',
      ['commit', 'refund'],
    ]);
    expect(orders.events.map((e) => e.name)).toEqual(['order.payment-failed']);
  });

  it('declined, or never charged: releases the stock and fails with the right reason', async () => {
    for (const [charge, reason] of [
      [payment('declined'), 'payment_declined'],
      [null, 'checkout_interrupted'],
    ] as const) {
      const { saga, order, calls } = setup();
      const { order: settled } = await saga.steps.settle.run({ order, owner: 'me' }, charge, 'checkout_interrupted');
      expect([settled.status, settled.failureCode, calls]).toEqual(['payment_failed', reason, ['release']]);
    }
  });

  it('an unknown outcome at any step defers the order (same status, lease handed back) and records no event', async () => {
    const cases = [
      { behaviour: { commit: async () => Promise.reject(unavailable()) }, charge: payment('captured') },
      {
        behaviour: {
          commit: async () => Promise.reject(new AppError('invalid_state', 'x')),
          refund: async () => Promise.reject(new Error('boom')),
        },
        charge: payment('captured'),
      },
      { behaviour: { release: async () => Promise.reject(unavailable()) }, charge: null },
    ];
    for (const { behaviour, charge } of cases) {
      const { saga, orders, order } = setup(behaviour);
      const { order: settled } = await saga.steps.settle.run({ order, owner: 'me' }, charge, 'checkout_interrupted');
      const row = orders.rows.get(order.id)!;
      expect([settled.status, settled.attempts, row.lease.owner, orders.events]).toEqual(['pending', 1, null, []]);
      // The first retry within 0.5 s (jittered), in whole epoch ms (a bigint column).
      expect(row.lease.until).toSatisfy((until: number) => Number.isInteger(until) && until <= Date.now() + 500);
    }
  });

  it('asks again within 2 s about a charge still in progress, within 15 s after a failure', async () => {
    for (const [inProgress, longestMs] of [
      [true, 2000],
      [false, 15_000],
    ] as const) {
      const { saga, orders, order } = setup();
      await saga.steps.defer.run({ order: { ...order, attempts: 9 }, owner: 'me' }, { inProgress });
      const { order: deferred, lease } = orders.rows.get(order.id)!;
      expect([deferred.attempts, lease.owner]).toEqual([10, null]);
      expect(lease.until - Date.now()).toBeLessThanOrEqual(longestMs);
    }
  });

  it('reports the current state instead of overwriting when another driver took the order over', async () => {
    const { saga, orders, order, calls } = setup();
    orders.rows.get(order.id)!.lease.owner = 'someone-else';
    const { order: settled } = await saga.steps.settle.run(
      { order, owner: 'me' },
      payment('captured'),
      'checkout_interrupted',
    );
    expect([settled.status, calls, orders.events]).toEqual(['pending', ['commit'], []]);
  });

  it('finishes a cancellation: refund, restock, cancelled with order.cancelled', async () => {
    const { saga, orders, order, calls } = setup();
    const cancelling = { ...order, status: 'cancelling' as const, paymentId: 'pay-1' };
    orders.rows.set(order.id, { order: cancelling, lease: { owner: 'me', until: 0 } });
    const { order: done } = await saga.steps.finishCancel.run({ order: cancelling, owner: 'me' });
    expect([done.status, calls, orders.events.map((e) => e.name)]).toEqual([
      'cancelled',
      ['refund', 'release'],
      ['order.cancelled'],
    ]);
  });
});
