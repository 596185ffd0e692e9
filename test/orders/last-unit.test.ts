import { afterAll, beforeAll, expect, it } from 'vitest';
import { moduleKnex } from '../support/module-db.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import { checkout, createProduct, stockOf } from './orders.fixtures.js';

let shop: TestShop;
let admin: string;
let customers: Array<{ id: string; token: string }>;

beforeAll(async () => {
  shop = await startTestShop();
  admin = await shop.adminToken();
  // scrypt makes each customer cost about a second of CPU: created once, in parallel.
  customers = await Promise.all(Array.from({ length: 20 }, (_, n) => shop.customer(`Buyer ${n}`)));
}, 120_000);
afterAll(async () => {
  await shop?.stop();
});

it('sells the last unit to exactly one of 20 customers checking out at once', async () => {
  const product = await createProduct(shop, admin, { stock: 1 });
  const responses = await Promise.all(
    customers.map((customer) => checkout(shop, customer.token, [{ productId: product, quantity: 1 }])),
  );
  expect(responses.map((response) => response.status).sort()).toEqual([201, ...Array(19).fill(409)]);
  expect(
    responses.filter((response) => response.status === 409).every((response) => response.body.code === 'out_of_stock'),
  ).toBe(true);
  expect(await stockOf(shop, product)).toBe(0);
  const confirmed = await moduleKnex(
    shop,
    'orders',
  )('orders')
    .where({ status: 'confirmed' })
    .whereRaw('items like ?', [`%${product}%`]);
  expect(confirmed).toHaveLength(1);
  expect(confirmed[0].user_id).toBe(customers[responses.findIndex((response) => response.status === 201)].id);
  expect(
    await moduleKnex(
      shop,
      'payments',
    )('payments')
      .where({ status: 'captured', order_id: confirmed[0].id })
      .count({ n: '*' }),
  ).toEqual([{ n: 1 }]);
});
