import { expect } from 'vitest';
import { eventually } from './eventually.js';
import { httpClient, type HttpCall } from './http.js';
import { openModuleKnex } from './module-db.js';
import type { RunningSplit } from './modes.js';
import { ADMIN } from './shop.js';

/** One checkout as the load saw it; status 0 when the shop never answered. */
export interface Answer {
  startedAt: number;
  ms: number;
  status: number;
  code?: string;
  detail?: string;
  contentType?: string | null;
  orderId?: string;
  error?: string;
}

interface Order {
  id: string;
  status: string;
  paymentId?: string;
  totalCents: number;
  items: Array<{ quantity: number }>;
}

/** Beyond the gateway's own 10 s wait for a module. */
const REQUEST_TIMEOUT_MS = 15_000;

/** One checkout straight through fetch, so that a request the shop never answers shows as status 0. */
export async function checkout(gateway: string, token: string, key: string, productId: string): Promise<Answer> {
  const startedAt = Date.now();
  try {
    const response = await fetch(`${gateway}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ items: [{ productId, quantity: 1 }], paymentMethod: { token: 'tok_visa' } }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = JSON.parse((await response.text()) || '{}');
    return {
      startedAt,
      ms: Date.now() - startedAt,
      status: response.status,
      code: body.code,
      detail: body.detail,
      orderId: body.id,
      contentType: response.headers.get('content-type'),
    };
  } catch (error) {
    return { startedAt, ms: Date.now() - startedAt, status: 0, error: String(error) };
  }
}

/** `workers` loops of checkouts through `gateway` for `durationMs`, each customer in turn. */
export async function checkoutLoad(options: {
  gateway: string;
  tokens: string[];
  productId: string;
  workers: number;
  durationMs: number;
  label: string;
}): Promise<Answer[]> {
  const answers: Answer[] = [];
  const start = Date.now();
  const worker = async (w: number) => {
    for (let i = 0; Date.now() - start < options.durationMs; i++) {
      const token = options.tokens[(w + i) % options.tokens.length];
      answers.push(await checkout(options.gateway, token, `${options.label}-${w}-${i}`, options.productId));
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)));
  return answers;
}

/** Registers `count` customers through `call` and resolves their access tokens. */
export async function customerTokens(call: HttpCall, count: number, label: string): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const credentials = { email: `${label}-${i}@shop.test`, password: 'correct-horse-1' };
    expect(
      (await call('POST', '/api/v1/auth/register', { body: { ...credentials, name: `${label} ${i}` } })).status,
    ).toBe(201);
    tokens.push((await call('POST', '/api/v1/auth/login', { body: credentials })).body.accessToken);
  }
  return tokens;
}

/** Every item of a paginated list. */
export async function everyItem<T>(call: HttpCall, path: string, token: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { items: T[]; nextCursor: string | null } } = await call(
      'GET',
      `${path}?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { token },
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return items;
}

/**
 * Once every checkout has settled, the books of a split shop must agree: every 201 is a confirmed
 * order, each confirmed order has one captured payment of its total and one order_confirmed
 * notification, no stock is left held, and the stock sold is the units confirmed. Resolves the counts.
 */
export async function expectBooksAgree(
  shop: RunningSplit,
  options: { tokens: string[]; productId: string; stock: number; answers: Answer[] },
) {
  const call = httpClient(shop.processes.urls.gateway);
  const admin = (await call('POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken;
  const orders = await eventually(
    'every checkout to settle',
    async () =>
      (await Promise.all(options.tokens.map((token) => everyItem<Order>(call, '/api/v1/orders', token)))).flat(),
    { until: (all) => all.every((o) => o.status !== 'payment_pending'), timeoutMs: 60_000, everyMs: 1000 },
  );
  const confirmed = orders.filter((o) => o.status === 'confirmed');
  const confirmedIds = new Set(confirmed.map((o) => o.id));
  expect(options.answers.filter((a) => a.status === 201 && !confirmedIds.has(a.orderId!))).toEqual([]);
  expect(new Set(confirmed.map((o) => o.paymentId)).size).toBe(confirmed.length);
  for (const order of confirmed) {
    const payment = (await call('GET', `/api/v1/payments/${order.paymentId}`, { token: admin })).body;
    expect({ status: payment.status, amount: payment.amountCents }).toEqual({
      status: 'captured',
      amount: order.totalCents,
    });
  }
  const notified = await eventually(
    'an order_confirmed notification per confirmed order',
    async () =>
      (
        await Promise.all(
          options.tokens.map((token) =>
            everyItem<{ template: string; orderId?: string }>(call, '/api/v1/notifications', token),
          ),
        )
      )
        .flat()
        .filter((n) => n.template === 'order_confirmed'),
    { until: (list) => list.length >= confirmed.length, timeoutMs: 30_000, everyMs: 1000, onTimeout: 'return' },
  );
  expect(notified.length).toBe(confirmed.length);
  expect(new Set(notified.map((n) => n.orderId))).toEqual(confirmedIds);
  const unitsConfirmed = confirmed.reduce((sum, o) => sum + o.items.reduce((s, l) => s + l.quantity, 0), 0);
  const settings = { databaseUrl: shop.env.DATABASE_URL, dataDir: shop.env.DATA_DIR };
  const [catalog, payments] = [openModuleKnex('catalog', settings), openModuleKnex('payments', settings)];
  try {
    const held = await eventually(
      'no stock left held',
      async () => Number((await catalog('reservations').where({ status: 'held' }).count({ n: '*' }))[0].n),
      { until: (n) => n === 0, timeoutMs: 20_000, everyMs: 500, onTimeout: 'return' },
    );
    expect(held).toBe(0);
    const product = await call('GET', `/api/v1/products/${options.productId}`, {
      headers: { 'cache-control': 'no-cache' },
    });
    expect(options.stock - product.body.stock).toBe(unitsConfirmed);
    expect(Number((await payments('payments').where({ status: 'captured' }).count({ n: '*' }))[0].n)).toBe(
      confirmed.length,
    );
  } finally {
    await catalog.destroy();
    await payments.destroy();
  }
  return { orders: orders.length, confirmed: confirmed.length, notified: notified.length, unitsConfirmed };
}
