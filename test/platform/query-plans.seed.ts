import type { Knex } from 'knex';
import { moduleKnex } from '../support/module-db.js';
import type { TestShop } from '../support/shop.js';

export const SEEDED = 20_000;
const USERS = 500;
const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString();
const id = (prefix: string, i: number) => `${prefix}-${String(i).padStart(8, '0')}`;

async function insert(knex: Knex, table: string, rows: (i: number) => Record<string, unknown>): Promise<void> {
  const chunk = Math.floor(900 / Object.keys(rows(0)).length);
  for (let from = 0; from < SEEDED; from += chunk)
    await knex(table).insert(Array.from({ length: Math.min(chunk, SEEDED - from) }, (_, i) => rows(from + i)));
}

/** Tens of thousands of rows in every table that grows, shaped as the shop writes them (older than the test's own). */
export async function seedLargeTables(shop: TestShop): Promise<void> {
  const catalog = moduleKnex(shop, 'catalog');
  await insert(catalog, 'products', (i) => ({
    id: id('seed-product', i),
    sku: id('SEED', i),
    name: `seeded ${['red', 'blue', 'green'][i % 3]} widget ${i}`,
    description: null,
    price_cents: 100,
    currency: 'USD',
    stock: 5,
    created_at: at(i),
    updated_at: at(i),
  }));
  await insert(catalog, 'reservations', (i) => ({
    order_id: id('seed-order', i),
    status: i % 10 === 0 ? 'released' : 'committed',
    expires_at: at(i + 900),
    created_at: at(i),
    updated_at: at(i),
  }));
  // Released reservations (every tenth) may be swept while this runs: their lines go to the next order.
  await insert(catalog, 'reservation_lines', (i) => ({
    order_id: id('seed-order', i % 10 === 0 ? i + 1 : i),
    product_id: id('seed-product', i),
    quantity: 1,
  }));
  const orders = moduleKnex(shop, 'orders');
  await insert(orders, 'orders', (i) => ({
    id: id('seed-order', i),
    user_id: id('seed-user', i % USERS),
    status: 'confirmed',
    items: '[]',
    total_cents: 100,
    currency: 'USD',
    payment_id: id('seed-payment', i),
    payment_token: null,
    failure_code: null,
    attempts: 1,
    lease_owner: null,
    lease_until: 0,
    created_at: at(i),
    updated_at: at(i),
  }));
  const expires = Date.now() + 86_400_000;
  await insert(orders, 'idempotency_keys', (i) => ({
    user_id: id('seed-user', i % USERS),
    key: id('key', i),
    request_hash: 'h',
    order_id: id('seed-order', i),
    state: 'completed',
    created_at: 0,
    expires_at: expires,
  }));
  const recent = new Date().toISOString();
  for (const module of ['orders', 'payments', 'users'] as const)
    await insert(moduleKnex(shop, module), 'outbox', (i) => ({
      id: id(`seed-event-${module}`, i),
      name: 'seeded',
      envelope: '{}',
      created_at: recent,
      dispatched_at: recent,
      attempts: 0,
      next_attempt_at: 0,
    }));
  const notifications = moduleKnex(shop, 'notifications');
  await insert(notifications, 'inbox', (i) => ({
    event_id: id('seed-event', i),
    event_name: 'seeded',
    processed_at: recent,
  }));
  await insert(notifications, 'notifications', (i) => ({
    id: id('seed-notification', i),
    event_id: id('seed-event', i),
    user_id: id('seed-user', i % USERS),
    channel: 'email',
    template: 'order_confirmed',
    recipient: 'seed@shop.test',
    subject: 's',
    body: 'b',
    order_id: id('seed-order', i),
    status: 'sent',
    attempts: 1,
    last_error: null,
    next_attempt_at: null,
    created_at: at(i),
    updated_at: at(i),
    sent_at: at(i),
  }));
}

/** The tables seeded large: a plan that reads one of them whole fails the test. */
export const LARGE_TABLES = [
  'products',
  'reservations',
  'reservation_lines',
  'orders',
  'idempotency_keys',
  'outbox',
  'inbox',
  'notifications',
];
