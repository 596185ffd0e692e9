import { execFileSync, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestShop, type TestShop } from '../support/shop.js';

const promtool = spawnSync('promtool', ['--version']).status === 0;
if (!promtool && process.env.CI)
  throw new Error('promtool is not installed (.ci/run installs Debian package prometheus)');

let shop: TestShop;
let metrics: string;
beforeAll(async () => {
  shop = await startTestShop();
  const customer = await shop.customer();
  const product = await shop.request('POST', '/api/v1/products', {
    token: await shop.adminToken(),
    body: { sku: 'METRICS-1', name: 'Metric mug', priceCents: 500, currency: 'USD', stock: 5 },
  });
  const checkout = (key: string) =>
    shop.request('POST', '/api/v1/orders', {
      token: customer.token,
      headers: { 'idempotency-key': key },
      body: { items: [{ productId: product.body.id, quantity: 1 }], paymentMethod: { token: 'tok_visa' } },
    });
  expect((await checkout('m-1')).status).toBe(201);
  expect((await checkout('m-1')).headers.get('idempotent-replayed')).toBe('true');
  const response = await fetch(`${shop.url}/metrics`);
  metrics = await response.text();
}, 30_000);
afterAll(() => shop?.stop());

const sample = (name: string, labels: Record<string, string>) =>
  metrics
    .split('\n')
    .find(
      (line) =>
        line.startsWith(`${name}{`) &&
        Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`)),
    );

describe('GET /metrics', () => {
  it.skipIf(!promtool)('passes promtool check metrics', () => {
    expect(() => execFileSync('promtool', ['check', 'metrics'], { input: metrics, stdio: 'pipe' })).not.toThrow();
  });

  it('counts contract calls by caller, callee, operation, transport and outcome, and times them', () => {
    const labels = { caller: 'orders', callee: 'payments', operation: 'charge', transport: 'local', outcome: 'ok' };
    expect(sample('shop_operation_calls_total', labels)).toMatch(/ 1$/);
    expect(sample('shop_operation_duration_seconds_count', labels)).toMatch(/ 1$/);
    expect(
      sample('shop_operation_calls_total', { callee: 'catalog', operation: 'reserve', outcome: 'ok' }),
    ).toBeDefined();
  });

  it('counts checkouts by outcome and idempotency replays, and times saga steps', () => {
    expect(sample('shop_checkouts_total', { outcome: 'confirmed' })).toMatch(/ 1$/);
    expect(sample('shop_idempotency_replays_total', { module: 'orders' })).toMatch(/ 1$/);
    expect(sample('shop_saga_step_duration_seconds_count', { step: 'charge', outcome: 'ok' })).toMatch(/ 1$/);
  });

  it('has the event series: bus lag, outbox backlog and oldest row age', () => {
    expect(metrics).toContain('# TYPE shop_event_bus_lag_seconds histogram');
    expect(metrics).toContain('# TYPE outbox_oldest_age_seconds gauge');
    expect(metrics).toContain('# TYPE outbox_backlog gauge');
  });
});
