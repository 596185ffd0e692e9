import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from '../support/http.js';
import { startTestShop, type TestShop } from '../support/shop.js';
import { MODULES as DEFINITIONS } from '../../src/main.js';

const MODULES = ['users', 'catalog', 'orders', 'payments', 'notifications'];

describe('the console of a process hosting every module', () => {
  let shop: TestShop;
  let admin: string;
  let orderId: string;

  beforeAll(async () => {
    shop = await startTestShop();
    admin = await shop.adminToken();
    const product = await shop.request('POST', '/api/v1/products', {
      token: admin,
      body: { sku: 'CONSOLE-1', name: 'Console lamp', priceCents: 1500, currency: 'USD', stock: 5 },
    });
    const customer = await shop.customer();
    const order = await shop.request('POST', '/api/v1/orders', {
      token: customer.token,
      body: { items: [{ productId: product.body.id, quantity: 2 }], paymentMethod: { token: 'tok_visa' } },
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    orderId = order.body.id;
  });

  afterAll(() => shop?.stop());

  it('answers 401 without a token and 403 to a customer, as problem+json', async () => {
    expectProblem(await shop.request('GET', '/api/v1/console/overview'), 401, 'unauthorized');
    const customer = await shop.customer();
    expectProblem(await shop.request('GET', '/api/v1/console/traces', { token: customer.token }), 403, 'forbidden');
  });

  it('lists the five modules as local, each with this process as its one healthy instance and its contracts', async () => {
    const { status, body } = await shop.request('GET', '/api/v1/console/overview', { token: admin });
    expect(status).toBe(200);
    expect(body.process).toMatchObject({ service: 'shop', url: shop.url, modules: MODULES });
    // Everything is hosted here: it serves every contract at the version its code declares, and calls none.
    const serves = Object.fromEntries(DEFINITIONS.flatMap((d) => (d.contract ? [[d.name, d.contract.version]] : [])));
    expect(Object.keys(serves)).toEqual(['users', 'catalog', 'orders', 'payments']);
    const instances = [{ url: shop.url, healthy: true, contracts: { serves, calls: {} } }];
    expect(body.modules).toEqual(MODULES.map((name) => ({ name, location: 'local', instances })));
  });

  it('counts the checkout calls from orders to catalog and payments as local, with latencies', async () => {
    const { body } = await shop.request('GET', '/api/v1/console/calls', { token: admin });
    const edge = (callee: string, operation: string) =>
      body.edges.find((e: any) => e.caller === 'orders' && e.callee === callee && e.operation === operation);
    for (const [callee, operation] of [
      ['catalog', 'reserve'],
      ['payments', 'charge'],
    ]) {
      expect(edge(callee, operation), `${callee}.${operation} in ${JSON.stringify(body.edges)}`).toMatchObject({
        transport: 'local',
        calls: 1,
        errors: 0,
      });
      expect(edge(callee, operation).p50Ms).toBeGreaterThan(0);
      expect(edge(callee, operation).p99Ms).toBeGreaterThanOrEqual(edge(callee, operation).p50Ms);
    }
  });

  it('reports the in-process bus without queues, no open breaker and the outbox backlogs', async () => {
    const { body } = await shop.request('GET', '/api/v1/console/resilience', { token: admin });
    expect(body.processes).toEqual([{ instance: shop.url, service: 'shop', bus: 'memory' }]);
    expect(body.queues).toEqual([]);
    expect(body.breakers).toEqual([]);
    expect(body.deadLetters).toEqual([]);
    const modules = body.outbox.map((row: any) => row.module);
    expect(modules).toEqual(expect.arrayContaining(['orders', 'users']));
  });

  it('finds the checkout trace by order id, and opens it with spans of orders, catalog and payments', async () => {
    const found = await shop.request('GET', `/api/v1/console/traces?orderId=${orderId}`, { token: admin });
    expect(found.status).toBe(200);
    expect(found.body.items).toHaveLength(1);
    const [summary] = found.body.items;
    expect(summary).toMatchObject({ root: 'POST /api/v1/orders', orderIds: [orderId], services: ['shop'] });
    expect(summary.modules).toEqual(expect.arrayContaining(['orders', 'catalog', 'payments']));
    const trace = await shop.request('GET', `/api/v1/console/traces/${summary.traceId}`, { token: admin });
    expect(trace.body.spans).toHaveLength(summary.spanCount);
    expect(trace.body.spans.map((span: any) => span.name)).toEqual(
      expect.arrayContaining(['POST /api/v1/orders', 'catalog/reserve', 'payments/charge']),
    );
    expectProblem(
      await shop.request('GET', `/api/v1/console/traces/${'0'.repeat(32)}`, { token: admin }),
      404,
      'not_found',
    );
    expectProblem(
      await shop.request('GET', '/api/v1/console/traces?traceId=xyz', { token: admin }),
      400,
      'validation_failed',
    );
  });

  it('leaves its own polling out of the traces', async () => {
    const recent = await shop.request('GET', '/api/v1/console/traces?limit=100', { token: admin });
    expect(recent.body.items.length).toBeGreaterThan(0);
    expect(recent.body.items.filter((trace: any) => /console/.test(trace.root))).toEqual([]);
  });

  it('documents its routes in the OpenAPI document, admin only', async () => {
    const { body } = await shop.request('GET', '/api/v1/openapi.json');
    const overview = body.paths['/api/v1/console/overview'].get;
    expect(overview.responses).toHaveProperty('403');
    expect(Object.keys(body.paths).filter((path) => path.startsWith('/api/v1/console/'))).toHaveLength(5);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/console/calls',
        '/api/v1/console/resilience',
        '/api/v1/console/traces/{traceId}',
      ]),
    );
    expect(Object.keys(body.paths).filter((path) => path.startsWith('/internal'))).toEqual([]);
  });

  it('serves the page and its script from the process, under a CSP without inline scripts', async () => {
    const page = await shop.request('GET', '/console');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.body).toMatch(/<input type="email"/);
    expect(page.body).toMatch(/<input type="password"/);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
    const script = await shop.request('GET', '/console/assets/console.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.body).toContain('/api/v1/console/overview');
    expect((await shop.request('GET', '/console/assets/../../package.json')).status).toBe(404);
  });

  it('refuses the internal console routes without a service token', async () => {
    expectProblem(await shop.request('GET', '/internal/console/snapshot', { token: admin }), 401, 'unauthorized');
  });
});

describe('CONSOLE=off', () => {
  let shop: TestShop;
  beforeAll(async () => (shop = await startTestShop({ CONSOLE: 'off' })));
  afterAll(() => shop?.stop());

  it('removes the page and its API', async () => {
    const admin = await shop.adminToken();
    expect((await shop.request('GET', '/console')).status).toBe(404);
    expectProblem(await shop.request('GET', '/api/v1/console/overview', { token: admin }), 404, 'not_found');
    const { body } = await shop.request('GET', '/api/v1/openapi.json');
    expect(Object.keys(body.paths).filter((path) => path.includes('console'))).toEqual([]);
  });
});
