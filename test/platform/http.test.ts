import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULES } from '../../src/main.js';
import { toOpenApiPath } from '../../src/platform/http/openapi.js';
import { expectProblem } from '../support/http.js';
import { startTestShop, type TestShop } from '../support/shop.js';

let shop: TestShop;
beforeAll(async () => {
  shop = await startTestShop();
});
afterAll(() => shop?.stop());

const publicRoutes = MODULES.flatMap((definition) => definition.routes.filter((route) => route.access !== 'internal'));

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const { status, body } = await shop.request('GET', '/api/v1/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const result = await new Validator().validate(body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('documents every mounted route, and every documented route is mounted', async () => {
    const { body } = await shop.request('GET', '/api/v1/openapi.json');
    expect(publicRoutes.length).toBeGreaterThan(10);
    for (const route of publicRoutes) {
      expect(body.paths[toOpenApiPath(route.path)]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
      const probe = await shop.request(route.method.toUpperCase(), route.path.replace(/:\w+/g, 'x'));
      expect(probe.body?.detail ?? '', `${route.method} ${route.path} is mounted`).not.toMatch(/^No route for/);
    }
    // Beside the modules' routes, the console's (the platform's own; test/platform/console.test.ts covers them).
    const modulePaths = Object.entries(body.paths as Record<string, object>).filter(
      ([path]) => !path.startsWith('/api/v1/console/'),
    );
    const documented = modulePaths.reduce((sum, [, operations]) => sum + Object.keys(operations).length, 0);
    expect(documented).toBe(publicRoutes.length);
  });

  it('serves Swagger UI at /docs', async () => {
    const response = await fetch(`${shop.url}/docs/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('swagger-ui');
  });
});

describe('problem+json errors', () => {
  it('answers an unknown route with 404 not_found as problem+json, carrying the request id', async () => {
    const { status, headers, body } = await shop.request('GET', '/api/v1/nope', {
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(status).toBe(404);
    expect(headers.get('content-type')).toContain('application/problem+json');
    expect(headers.get('x-request-id')).toBe('abc-123');
    expect(body).toMatchObject({ status: 404, code: 'not_found', title: expect.any(String), type: expect.any(String) });
  });

  it('replaces an insane X-Request-Id with a generated one', async () => {
    const { headers } = await shop.request('GET', '/health/live', {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
  });

  it('uses the incoming W3C trace id as the problem traceId', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { body } = await shop.request('GET', '/api/v1/nope', {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(body.traceId).toBe(traceId);
  });

  it('maps malformed JSON to 400 malformed_json and bodies over 100 kB to 413', async () => {
    const malformed = await shop.request('POST', '/api/v1/auth/login', { rawBody: '{"email": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('malformed_json');
    const huge = await shop.request('POST', '/api/v1/auth/login', {
      rawBody: JSON.stringify({ email: 'a'.repeat(100_001) }),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('payload_too_large');
  });

  it('answers a 100 kB query string with 431 headers_too_large as problem+json, with a trace id and a request id', async () => {
    const response = await shop.request('GET', `/api/v1/console/overview?q=${'a'.repeat(100_000)}`);
    expectProblem(response, 431, 'headers_too_large', { rfc9457: true });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
  });

  it.each(['null', '42', '"a string"', 'true'])(
    'answers the JSON body %s, valid JSON but no object, with 400 validation_failed and leaves the product as it was',
    async (rawBody) => {
      const admin = await shop.adminToken();
      const created = await shop.request('POST', '/api/v1/products', {
        token: admin,
        body: { sku: `NULL-${rawBody.length}-${Date.now()}`, name: 'Kept', priceCents: 700, currency: 'USD', stock: 2 },
      });
      const patched = await shop.request('PATCH', `/api/v1/products/${created.body.id}`, { token: admin, rawBody });
      expectProblem(patched, 400, 'validation_failed', { rfc9457: true });
      expect(patched.body.errors).toEqual([{ path: '', message: expect.any(String) }]);
      const product = await shop.request('GET', `/api/v1/products/${created.body.id}`);
      expect(product.body).toMatchObject({ name: 'Kept', priceCents: 700, stock: 2 });
    },
  );

  it('answers a path parameter that is not valid percent-encoding with 400 validation_failed, not 500', async () => {
    for (const path of ['/api/v1/products/%ZZ', '/api/v1/orders/%E0%A4%A', '/api/v1/payments/%']) {
      const { status, body } = await shop.request('GET', path);
      expect(status, path).toBe(400);
      expect(body.code, path).toBe('validation_failed');
    }
  });

  it('sends security headers and hides the framework', async () => {
    const { headers } = await shop.request('GET', '/health/live');
    expect(headers.get('x-powered-by')).toBeNull();
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('content-security-policy')).toBeTruthy();
  });
});

describe('access tokens', () => {
  it('takes the Bearer scheme in any case (RFC 9110 §11.1), and nothing but Bearer', async () => {
    const customer = await shop.customer('Scheme');
    const me = (authorization: string) => shop.request('GET', '/api/v1/users/me', { headers: { authorization } });
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const response = await me(`${scheme} ${customer.token}`);
      expect({ scheme, status: response.status, id: response.body.id }).toEqual({
        scheme,
        status: 200,
        id: customer.id,
      });
    }
    expectProblem(await me(`Basic ${customer.token}`), 401, 'unauthorized');
    expectProblem(await me(`Bearer${customer.token}`), 401, 'unauthorized');
  });
});

describe('operations endpoints', () => {
  it('reports liveness and per-check readiness', async () => {
    expect((await shop.request('GET', '/health/live')).status).toBe(200);
    const ready = await shop.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ok');
    expect(Object.keys(ready.body.checks)).toEqual(
      expect.arrayContaining([
        'db:users',
        'db:catalog',
        'db:orders',
        'db:payments',
        'db:notifications',
        'events:memory',
      ]),
    );
  });

  it('states the contract versions it serves and calls on both health routes', async () => {
    const contracts = { serves: { users: '1.0', catalog: '1.0', orders: '1.1', payments: '1.1' }, calls: {} };
    expect((await shop.request('GET', '/health/live')).body).toEqual({ status: 'ok', contracts });
    expect((await shop.request('GET', '/health/ready')).body.contracts).toEqual(contracts);
  });

  it('exports request latency by route template, plus process metrics', async () => {
    const series =
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/products\/:id",status="404"\} (\d+)/;
    const count = async () => Number(series.exec((await shop.request('GET', '/metrics')).body)?.[1] ?? 0);
    const before = await count();
    await shop.request('GET', '/api/v1/products/some-id');
    await shop.request('GET', '/api/v1/products/other-id');
    expect(await count()).toBe(before + 2);
    expect((await shop.request('GET', '/metrics')).body).toContain('process_cpu_user_seconds_total');
  });
});
