import { describe, expect, it } from 'vitest';
import { check, type History } from '../support/history-checker.js';

const BOUNDS = { maxLatencyMs: 11_000, settleWithinMs: 60_000 };
const PROBLEM = 'application/problem+json';

/** A small run that kept every guarantee: two confirmed orders (one then cancelled), one refused by a 503. */
function goodHistory(): History {
  return {
    exchanges: [
      { kind: 'checkout', startedAt: 0, endedAt: 50, status: 201, contentType: 'application/json', orderId: 'o1' },
      { kind: 'checkout', startedAt: 10, endedAt: 9_000, status: 202, contentType: 'application/json', orderId: 'o2' },
      { kind: 'checkout', startedAt: 20, endedAt: 30, status: 503, contentType: PROBLEM },
      { kind: 'checkout', startedAt: 20, endedAt: 30, status: 409, contentType: PROBLEM },
      { kind: 'cancel', startedAt: 60, endedAt: 90, status: 200, contentType: 'application/json', orderId: 'o1' },
    ],
    final: {
      orders: [
        { id: 'o1', status: 'cancelled', totalCents: 500, lines: [{ productId: 'p', quantity: 1 }] },
        { id: 'o2', status: 'confirmed', totalCents: 1000, lines: [{ productId: 'p', quantity: 2 }] },
        { id: 'o3', status: 'rejected', totalCents: 500, lines: [{ productId: 'p', quantity: 1 }] },
      ],
      payments: [
        { id: 'pay1', orderId: 'o1', status: 'refunded', amountCents: 500 },
        { id: 'pay2', orderId: 'o2', status: 'captured', amountCents: 1000 },
      ],
      products: [{ id: 'p', initial: 10, available: 8, held: 0 }],
      notifications: [
        { template: 'order_confirmed', orderId: 'o1' },
        { template: 'order_cancelled', orderId: 'o1' },
        { template: 'order_confirmed', orderId: 'o2' },
      ],
    },
    healedAt: 1_000,
    settledAt: 20_000,
  };
}

describe('the history checker', () => {
  it('finds nothing wrong in a run that kept every guarantee', () => {
    expect(check(goodHistory(), BOUNDS)).toEqual([]);
  });

  it('names every violation of a hand-made bad history', () => {
    const bad = goodHistory();
    bad.exchanges.push(
      { kind: 'checkout', startedAt: 0, endedAt: 15_000, status: 500, contentType: PROBLEM },
      { kind: 'checkout', startedAt: 0, endedAt: 10, status: 201, contentType: 'application/json', orderId: 'ghost' },
      { kind: 'checkout', startedAt: 0, endedAt: 10, status: 503, contentType: 'text/html' },
      { kind: 'checkout', startedAt: 0, endedAt: 10, status: 'cut' },
    );
    bad.final.orders.push(
      { id: 'o4', status: 'payment_pending', totalCents: 700, lines: [{ productId: 'p', quantity: 1 }] },
      { id: 'o5', status: 'payment_failed', totalCents: 700, lines: [{ productId: 'p', quantity: 1 }] },
      { id: 'o6', status: 'confirmed', totalCents: 700, lines: [{ productId: 'p', quantity: 1 }] },
      { id: 'o7', status: 'confirmed', totalCents: 700, lines: [] },
    );
    bad.final.payments.push(
      { id: 'pay5', orderId: 'o5', status: 'captured', amountCents: 700 },
      { id: 'pay6', orderId: 'o6', status: 'captured', amountCents: 700 },
      { id: 'pay6b', orderId: 'o6', status: 'captured', amountCents: 700 },
      { id: 'pay7', orderId: 'o7', status: 'captured', amountCents: 600 },
    );
    bad.final.notifications.push(
      { template: 'order_confirmed', orderId: 'o2' },
      { template: 'order_confirmed', orderId: 'o6' },
    );
    bad.final.products.push({ id: 'q', initial: 5, available: -1, held: 6 });
    bad.settledAt = undefined;

    expect(check(bad, BOUNDS).sort()).toEqual(
      [
        'checkout answered after 15000 ms',
        'checkout answered 500',
        'checkout answered 201 for order ghost, which does not exist',
        'checkout answered 503 without a problem+json body',
        'checkout got no answer (connection cut)',
        '2 orders were sold that no answer named, more than the 1 answers cut',
        'orders not all final within 60000 ms of the heal',
        'order o4 is still payment_pending',
        'payment_failed order o5 keeps a captured charge',
        'confirmed order o6 has 2 captures, not one of 700',
        'confirmed order o7 has 1 captures, not one of 700',
        'confirmed order o2 has 2 order_confirmed notifications',
        'confirmed order o7 has 0 order_confirmed notifications',
        'product p: 8 available + 0 held + 3 sold ≠ 10',
        'product q has negative stock (-1 available, 6 held)',
      ].sort(),
    );
  });

  it('fails a cancelled order refunded twice and one sold twice out of its stock', () => {
    const bad = goodHistory();
    bad.final.payments.push({ id: 'pay1b', orderId: 'o1', status: 'refunded', amountCents: 500 });
    bad.final.products[0].available = 9;
    expect(check(bad, BOUNDS)).toEqual([
      'cancelled order o1 was refunded 2 times',
      'product p: 9 available + 0 held + 2 sold ≠ 10',
    ]);
  });

  it('fails an order placed behind a 503, which told the client nothing was placed', () => {
    const bad = goodHistory();
    bad.final.orders.push({ id: 'o8', status: 'confirmed', totalCents: 500, lines: [] });
    bad.final.payments.push({ id: 'pay8', orderId: 'o8', status: 'captured', amountCents: 500 });
    bad.final.notifications.push({ template: 'order_confirmed', orderId: 'o8' });
    expect(check(bad, BOUNDS)).toEqual(['1 orders were sold that no answer named, more than the 0 answers cut']);
  });

  it('lets answers be cut only when the fault is on the client’s own link', () => {
    const cut = goodHistory();
    cut.exchanges.push({ kind: 'checkout', startedAt: 0, endedAt: 10, status: 'cut' });
    expect(check(cut, BOUNDS)).toEqual(['checkout got no answer (connection cut)']);
    expect(check(cut, { ...BOUNDS, cutsAllowed: true })).toEqual([]);
  });
});
