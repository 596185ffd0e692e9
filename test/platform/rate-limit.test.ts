import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, type ApiResponse } from '../support/http.js';
import { startTestShop, type TestShop } from '../support/shop.js';

/** The edge limit of one process counting in its own memory (the monolith on the in-process bus). */

const policy = (limit: number) => `"per-address";q=${limit};w=60`;
/** The remaining-quota parameter of the RateLimit field, or undefined when the field is absent. */
const remaining = (response: ApiResponse) => {
  const match = /^"per-address";r=(\d+);t=(\d+)$/.exec(response.headers.get('ratelimit') ?? '');
  return match ? Number(match[1]) : undefined;
};

describe('RATE_LIMIT_PER_MINUTE=5 on the monolith', () => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop({ RATE_LIMIT_PER_MINUTE: '5' });
  });
  afterAll(() => shop?.stop());

  it('answers 5 requests from one address and refuses the 6th with 429 rate_limited, Retry-After and the RateLimit fields', async () => {
    const answered: ApiResponse[] = [];
    for (let n = 0; n < 5; n++) answered.push(await shop.request('GET', '/api/v1/products'));
    expect(answered.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answered.map(remaining)).toEqual([4, 3, 2, 1, 0]);
    for (const response of answered) expect(response.headers.get('ratelimit-policy')).toBe(policy(5));

    const refused = await shop.request('GET', '/api/v1/products');
    expectProblem(refused, 429, 'rate_limited', { rfc9457: true });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit-policy')).toBe(policy(5));
    // The reset parameter names the same moment as Retry-After.
    expect(refused.headers.get('ratelimit')).toBe(`"per-address";r=0;t=${retryAfter}`);
    // Any /api/v1 path counts, a POST refused before its body is read included.
    expectProblem(
      await shop.request('POST', '/api/v1/auth/login', { body: { email: 'a@b.c', password: 'x' } }),
      429,
      'rate_limited',
    );
  });

  it('still serves another address with its own budget', async () => {
    const other = await shop.request('GET', '/api/v1/products', { localAddress: '127.0.0.2' });
    expect({ status: other.status, remaining: remaining(other) }).toEqual({ status: 200, remaining: 4 });
  });

  it('never limits health, metrics, the OpenAPI document, docs, JWKS or internal calls', async () => {
    expectProblem(await shop.request('GET', '/api/v1/products'), 429, 'rate_limited');
    const paths = [
      '/health/live',
      '/health/ready',
      '/metrics',
      '/api/v1/openapi.json',
      '/docs/',
      '/.well-known/jwks.json',
    ];
    for (const path of paths) {
      const response = await shop.request('GET', path);
      expect({ path, status: response.status, limited: response.headers.has('ratelimit') }).toEqual({
        path,
        status: 200,
        limited: false,
      });
    }
    const internal = await shop.request('POST', '/internal/catalog/getProducts', { body: { input: {} } });
    expect(internal.status).not.toBe(429);
    expect(internal.headers.has('ratelimit')).toBe(false);
  });
});

describe('RATE_LIMIT_PER_MINUTE=0', () => {
  it('turns the limit and its fields off', async () => {
    const shop = await startTestShop({ RATE_LIMIT_PER_MINUTE: '0' });
    try {
      const responses = await Promise.all(Array.from({ length: 30 }, () => shop.request('GET', '/api/v1/products')));
      expect(responses.filter((r) => r.status === 200)).toHaveLength(30);
      expect(responses.filter((r) => r.headers.has('ratelimit') || r.headers.has('ratelimit-policy'))).toHaveLength(0);
    } finally {
      await shop.stop();
    }
  });
});

describe('TRUSTED_PROXIES=127.0.0.2 with RATE_LIMIT_PER_MINUTE=3', () => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop({ RATE_LIMIT_PER_MINUTE: '3', TRUSTED_PROXIES: '127.0.0.2' });
  });
  afterAll(() => shop?.stop());

  const from = (localAddress: string, forwardedFor?: string) =>
    shop.request('GET', '/api/v1/products', {
      localAddress,
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    });

  it('ignores X-Forwarded-For from an address that is not a trusted proxy', async () => {
    const claimed = ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4'];
    const responses: ApiResponse[] = [];
    for (const address of claimed) responses.push(await from('127.0.0.1', address));
    expect(responses.map((r) => [r.status, remaining(r)])).toEqual([
      [200, 2],
      [200, 1],
      [200, 0],
      [429, 0],
    ]);
  });

  it('counts each client named by the trusted proxy on its own budget, never the one a client prepends', async () => {
    const client = [await from('127.0.0.2', '203.0.113.7')];
    client.push(await from('127.0.0.2', '203.0.113.7'));
    client.push(await from('127.0.0.2', '203.0.113.7'));
    expect(client.map((r) => [r.status, remaining(r)])).toEqual([
      [200, 2],
      [200, 1],
      [200, 0],
    ]);
    // The client wrote the first entry itself; the proxy appended the address it saw, which is the one counted.
    expectProblem(await from('127.0.0.2', '198.51.100.9, 203.0.113.7'), 429, 'rate_limited');
    const another = await from('127.0.0.2', '203.0.113.8');
    expect([another.status, remaining(another)]).toEqual([200, 2]);
    const proxyItself = await from('127.0.0.2');
    expect([proxyItself.status, remaining(proxyItself)]).toEqual([200, 2]);
  });
});
