import { expect } from 'vitest';
import { basket } from './checkout.scenarios.js';
import { problemStep, step, stockOf, type Scenario } from './session.js';

export const cancelRefundsAndRestocks: Scenario = async (session) => {
  const { id, paymentId } = session.order;
  const cancelled = await step(session, 'cancel the order', 'POST', `/api/v1/orders/${id}/cancel`, {
    token: session.tokens.ada,
  });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toMatchObject({ id, status: 'cancelled', totalCents: 5000, paymentId });
  expect(await stockOf(session, 'stock after the cancel', ['mug', 'tee'])).toEqual({ mug: 10, tee: 10 });
  const payment = await step(session, 'read the refunded payment', 'GET', `/api/v1/payments/${paymentId}`, {
    token: session.tokens.ada,
  });
  expect(payment.body).toMatchObject({ amountCents: 5000, status: 'refunded' });
  await problemStep(
    session,
    'cancel it again',
    ['POST', `/api/v1/orders/${id}/cancel`, { token: session.tokens.ada }],
    409,
    'invalid_state',
  );
  const read = await step(session, 'read the cancelled order', 'GET', `/api/v1/orders/${id}`, {
    token: session.tokens.ada,
  });
  expect(read.body).toEqual(cancelled.body);

  // The replay answers the first response, not the order as it is now, and charges nothing.
  const replayed = await step(session, 'replay the checkout after the cancel', 'POST', '/api/v1/orders', {
    token: session.tokens.ada,
    headers: { 'idempotency-key': 'ada-basket-1' },
    body: basket(session),
  });
  expect([replayed.status, replayed.headers.get('idempotent-replayed')]).toEqual([201, 'true']);
  expect(replayed.body).toEqual(session.order.placed);
  expect(await stockOf(session, 'stock after the late replay', ['mug', 'tee'])).toEqual({ mug: 10, tee: 10 });
};
