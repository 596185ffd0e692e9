import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_CONFIRMED, ORDER_CONFIRMED_V1 } from '../../src/modules/orders/contract/orders.events.js';
import { readEventPayload } from '../../src/platform/kernel/event.js';
import { eventually } from '../support/eventually.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import { envelopeOf, listAll, ofTemplate, sleep } from './notifications.fixtures.js';

/** An order.confirmed of version 1, as an orders build of before version 2 put it in a queue. */
const version1 = (orderId: string, userId: string) => ({
  orderId,
  userId,
  totalCents: 3498,
  currency: 'USD',
  paymentId: 'pay-v1',
  items: [
    { productId: 'p-1', name: 'Blue Mug', quantity: 2, unitPriceCents: 1299 },
    { productId: 'p-2', name: 'Green Tea', quantity: 1, unitPriceCents: 900 },
  ],
  // A field no version declares: readers ignore it.
  giftWrap: true,
});

describe('order.confirmed across versions', () => {
  it('upcasts version 1 to version 2 (line totals from price × quantity) and drops unknown fields', () => {
    const read = readEventPayload(ORDER_CONFIRMED, 1, version1('o-1', 'u-1'));
    expect(read.success && read.data.items.map((item) => item.lineTotalCents)).toEqual([2598, 900]);
    expect(read.success && 'giftWrap' in read.data).toBe(false);
  });

  it('reads a newer version with the fields this version knows, and says why when it does not fit', () => {
    const fits = readEventPayload(ORDER_CONFIRMED_V1, 2, {
      ...version1('o-2', 'u-2'),
      items: [{ productId: 'p', name: 'n', quantity: 2, unitPriceCents: 5, lineTotalCents: 10 }],
    });
    expect(fits.success && fits.data.items).toEqual([{ productId: 'p', name: 'n', quantity: 2, unitPriceCents: 5 }]);
    const newer = { ...version1('o-2', 'u-2'), items: [{ productId: 'p', name: 'n', quantity: 1 }] };
    const read = readEventPayload(ORDER_CONFIRMED_V1, 2, newer);
    expect(read.success).toBe(false);
    expect(read.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['items.0.unitPriceCents']);
  });
});

describe('notifications, built for order.confirmed 2, on its bus', () => {
  let shop: TestShop;
  let ada: { id: string; email: string; token: string };
  beforeAll(async () => {
    shop = await startTestShop();
    ada = await shop.customer('Ada Lovelace');
  });
  afterAll(() => shop?.stop());

  it('turns a version 1 envelope, delivered three times, into one order_confirmed with the right lines', async () => {
    const orderId = `order-v1-${Date.now()}`;
    const envelope = envelopeOf(ORDER_CONFIRMED_V1, version1(orderId, ada.id));
    expect(envelope.version).toBe(1);
    for (let n = 0; n < 3; n++) await shop.host.bus.publish(envelope);
    const mine = async () =>
      ofTemplate(await listAll(shop, ada.token), 'order_confirmed').filter((item) => item.orderId === orderId);
    await eventually('the order_confirmed notification', async () => (await mine()).length > 0);
    await sleep(300); // room for a (wrong) second notification to appear
    const notified = await mine();
    expect(notified).toHaveLength(1);
    expect(notified[0].body).toContain('2 × Blue Mug at $12.99 = $25.98');
    expect(notified[0].body).toContain('1 × Green Tea at $9.00 = $9.00');
    expect(notified[0].body).toContain('Total: $34.98');
  });
});
