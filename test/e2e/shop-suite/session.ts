import { expect } from 'vitest';
import { expectProblem, type ApiResponse, type HttpCall, type RequestOptions } from '../../support/http.js';
import { Transcript } from '../../support/transcript.js';

export interface Credentials {
  email: string;
  password: string;
}

/**
 * One run of the end-to-end scenarios against one shop: how to reach it, the transcript of every
 * step, and what the scenarios have created so far (later scenarios build on earlier ones).
 */
export interface ShopSession {
  call: HttpCall;
  admin: Credentials;
  transcript: Transcript;
  tokens: { admin: string; ada: string; bob: string };
  users: { ada: string; bob: string };
  products: { mug: string; tee: string; poster: string };
  /** Ada's confirmed order as the checkout answered it, and the one her declined card left behind. */
  order: { id: string; paymentId: string; placed: unknown };
  declinedOrderId: string;
}

export type Scenario = (session: ShopSession) => Promise<void>;

export const CUSTOMERS = {
  ada: { email: 'ada@shop.test', password: 'correct-horse-1', name: 'Ada Lovelace' },
  bob: { email: 'bob@shop.test', password: 'battery-staple-2', name: 'Bob Example' },
} as const;

export function createSession(call: HttpCall, admin: Credentials): ShopSession {
  return {
    call,
    admin,
    transcript: new Transcript(),
    tokens: { admin: '', ada: '', bob: '' },
    users: { ada: '', bob: '' },
    products: { mug: '', tee: '', poster: '' },
    order: { id: '', paymentId: '', placed: undefined },
    declinedOrderId: '',
  };
}

/** Sends one request and records it. No request the suite sends, however bad, may get a 5xx or go without a request id. */
export async function step(
  session: ShopSession,
  label: string,
  method: string,
  path: string,
  options?: RequestOptions,
): Promise<ApiResponse> {
  const response = await session.call(method, path, options);
  expect(response.status, `${label}: ${JSON.stringify(response.body)}`).toBeLessThan(500);
  expect(response.headers.get('x-request-id'), label).toBeTruthy();
  session.transcript.record(label, response);
  return response;
}

/** A step that must answer with a complete RFC 9457 problem of this status and code. */
export async function problemStep(
  session: ShopSession,
  label: string,
  [method, path, options]: [string, string, RequestOptions?],
  status: number,
  code: string,
): Promise<ApiResponse> {
  const response = await step(session, label, method, path, options);
  expectProblem(response, status, code, { rfc9457: true });
  return response;
}

/**
 * A product read that bypasses caches: in split mode the gateway is a shared HTTP cache (max-age
 * `CATALOG_MAX_AGE`), and the contract promises a fresh answer only to `Cache-Control: no-cache`.
 */
export async function freshProduct(session: ShopSession, label: string, id: string): Promise<ApiResponse> {
  const response = await step(session, label, 'GET', `/api/v1/products/${id}`, {
    headers: { 'cache-control': 'no-cache' },
  });
  expect(response.status).toBe(200);
  return response;
}

/** The stock of each named product, read fresh, e.g. `{ mug: 8, tee: 9 }`. */
export async function stockOf(
  session: ShopSession,
  label: string,
  names: (keyof ShopSession['products'])[],
): Promise<Record<string, number>> {
  const stock: Record<string, number> = {};
  for (const name of names)
    stock[name] = (await freshProduct(session, `${label} (${name})`, session.products[name])).body.stock;
  return stock;
}
