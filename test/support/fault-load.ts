import { randomUUID } from 'node:crypto';
import type { HttpCall } from './http.js';
import type { Exchange } from './history-checker.js';
import { ADMIN } from './shop.js';

/** The products and customers one run buys with, fresh so its history is its own. */
export interface LoadFixture {
  gateway: string;
  products: Array<{ id: string; initial: number; priceCents: number }>;
  tokens: string[];
}

/** Far beyond the gateway's 10 s budget: a request still unanswered then is one the shop never answered. */
const CLIENT_TIMEOUT_MS = 30_000;

export async function createLoadFixture(
  call: HttpCall,
  gateway: string,
  label: string,
  { products = 3, stock = 200, customers = 4 } = {},
): Promise<LoadFixture> {
  const admin = (await call('POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken;
  const run = `${label.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+/, '')}-${randomUUID().slice(0, 8)}`;
  const created = [];
  for (let i = 0; i < products; i++) {
    const priceCents = 300 + 100 * i;
    const body = { sku: `${run}-${i}`, name: `Fault mug ${i}`, priceCents, currency: 'USD', stock };
    const response = await call('POST', '/api/v1/products', { token: admin, body });
    if (response.status !== 201) throw new Error(`product: ${response.status} ${JSON.stringify(response.body)}`);
    created.push({ id: response.body.id as string, initial: stock, priceCents });
  }
  const tokens = [];
  for (let i = 0; i < customers; i++) {
    const credentials = { email: `${run}-${i}@shop.test`, password: 'correct-horse-1' };
    const registered = await call('POST', '/api/v1/auth/register', { body: { ...credentials, name: `Fault ${i}` } });
    if (registered.status !== 201) throw new Error(`register: ${registered.status}`);
    tokens.push((await call('POST', '/api/v1/auth/login', { body: credentials })).body.accessToken as string);
  }
  return { gateway, products: created, tokens };
}

/** One request straight through fetch, so a request the shop never answers records as `cut`. */
async function send(
  fixture: LoadFixture,
  kind: Exchange['kind'],
  path: string,
  token: string,
  body?: unknown,
): Promise<Exchange> {
  const startedAt = Date.now();
  try {
    const response = await fetch(`${fixture.gateway}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
    const text = await response.text();
    const parsed = text.startsWith('{') ? (JSON.parse(text) as { id?: string; detail?: string }) : {};
    return {
      kind,
      startedAt,
      endedAt: Date.now(),
      status: response.status,
      contentType: response.headers.get('content-type') ?? undefined,
      orderId: parsed.id,
      detail: parsed.detail,
    };
  } catch {
    return { kind, startedAt, endedAt: Date.now(), status: 'cut' };
  }
}

export interface Load {
  exchanges: Exchange[];
  /** Asks the workers to stop and resolves once each has finished its request in flight. */
  stop(): Promise<void>;
}

/**
 * A checkout load: `workers` customers each buying one or two units of a random product, one
 * request at a time, and cancelling every fifth order they got confirmed at once; every request
 * and its answer go into `exchanges`.
 */
export function startCheckoutLoad(fixture: LoadFixture, workers = 4): Load {
  const exchanges: Exchange[] = [];
  let running = true;
  const worker = async (w: number) => {
    const token = fixture.tokens[w % fixture.tokens.length];
    for (let i = 0; running; i++) {
      const product = fixture.products[(w + i) % fixture.products.length];
      const items = [{ productId: product.id, quantity: 1 + (i % 2) }];
      const checkout = await send(fixture, 'checkout', '/api/v1/orders', token, {
        items,
        paymentMethod: { token: 'tok_visa' },
      });
      exchanges.push(checkout);
      if (checkout.status === 201 && i % 5 === 0)
        exchanges.push(await send(fixture, 'cancel', `/api/v1/orders/${checkout.orderId}/cancel`, token));
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  return {
    exchanges,
    async stop() {
      running = false;
      await done;
    },
  };
}
