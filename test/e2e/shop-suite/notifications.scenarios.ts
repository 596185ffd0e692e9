import { expect } from 'vitest';
import { eventually } from '../../support/eventually.js';
import type { Scenario, ShopSession } from './session.js';

/** Each customer's notifications once every expected one is there and sent, by template (delivery order across modules is not promised). */
async function settledNotifications(session: ShopSession, who: keyof ShopSession['tokens'], expected: number) {
  const response = await eventually(
    `${expected} sent notifications for ${who}`,
    () => session.call('GET', '/api/v1/notifications', { token: session.tokens[who] }),
    {
      until: ({ body }) =>
        body?.items?.length === expected && body.items.every((item: { status: string }) => item.status === 'sent'),
      timeoutMs: 20_000,
      everyMs: 100,
      onTimeout: 'return',
    },
  );
  expect(response.status).toBe(200);
  const items = [...response.body.items].sort((a, b) => a.template.localeCompare(b.template));
  session.transcript.record(`${who}'s notifications`, { ...response, body: { ...response.body, items } });
  return items as { template: string; orderId?: string; recipient: string; subject: string }[];
}

export const notificationsFollowEvents: Scenario = async (session) => {
  const ada = await settledNotifications(session, 'ada', 4);
  expect(ada.map(({ template, orderId }) => [template, orderId])).toEqual([
    ['order_cancelled', session.order.id],
    ['order_confirmed', session.order.id],
    ['payment_failed', session.declinedOrderId],
    ['welcome', undefined],
  ]);
  expect(ada.every(({ recipient }) => recipient === 'ada@shop.test')).toBe(true);
  expect(ada[1].subject).toBe(`Your order ${session.order.id} is confirmed`);
  const bob = await settledNotifications(session, 'bob', 1);
  expect(bob.map(({ template }) => template)).toEqual(['welcome']);
  // The bootstrap admin is welcomed like any registered user.
  const admin = await settledNotifications(session, 'admin', 1);
  expect(admin.map(({ template, recipient }) => [template, recipient])).toEqual([['welcome', session.admin.email]]);
  // Still four after the others were read: a redelivered event would have added a fifth by now.
  const again = await session.call('GET', '/api/v1/notifications', { token: session.tokens.ada });
  expect(again.body.items).toHaveLength(4);
};
