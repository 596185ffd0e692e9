import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowser, type TestBrowser } from '../support/browser.js';
import { eventually } from '../support/eventually.js';
import type { HttpCall } from '../support/http.js';
import { startSplitMode, type RunningSplit, type SplitProcesses } from '../support/modes.js';
import { requirePostgres, requireRedis } from '../support/services.js';
import { ADMIN } from '../support/shop.js';

const available = (await requirePostgres()) && (await requireRedis());
/** Where the screenshots go (gitignored); docs/console.png is a copy of one of them. */
const ARTEFACTS = path.resolve('test-results/console');
const MODULES = ['users', 'catalog', 'orders', 'payments', 'notifications'];

/** The distinct modules of the waterfall's rows. */
const waterfallModules = (page: Page) =>
  page.$$eval('#waterfall .span-row', (rows) => [...new Set(rows.map((row) => row.getAttribute('data-module')))]);

describe.skipIf(!available)('the console in a browser, split mode through the gateway', () => {
  let shop: RunningSplit | undefined;
  let split: SplitProcesses | undefined;
  let browser: TestBrowser | undefined;
  let call: HttpCall;
  let gateway: string;
  let orderId: string;

  beforeAll(async () => {
    browser = await startBrowser();
    shop = await startSplitMode('console');
    split = shop.processes;
    gateway = split.urls.gateway;
    call = shop.call;
    const login = await call('POST', '/api/v1/auth/login', { body: ADMIN });
    const admin = login.body.accessToken as string;
    const product = await call('POST', '/api/v1/products', {
      token: admin,
      body: { sku: 'LAMP-1', name: 'Desk lamp', priceCents: 2900, currency: 'USD', stock: 10 },
    });
    const email = `console-${Date.now()}@shop.test`;
    await call('POST', '/api/v1/auth/register', { body: { email, password: 'correct-horse-1', name: 'Ada' } });
    const customer = await call('POST', '/api/v1/auth/login', { body: { email, password: 'correct-horse-1' } });
    const order = await call('POST', '/api/v1/orders', {
      token: customer.body.accessToken,
      body: { items: [{ productId: product.body.id, quantity: 1 }], paymentMethod: { token: 'tok_visa' } },
    });
    expect(order.status, JSON.stringify(order.body)).toBe(201);
    orderId = order.body.id;
  });

  afterAll(async () => {
    await browser?.close();
    await shop?.stop();
  });

  it("gathers every module's instances, remote calls and breakers at the gateway", async () => {
    const admin = (await call('POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken;
    const overview = await call('GET', '/api/v1/console/overview', { token: admin });
    expect(overview.body.process).toMatchObject({ service: 'shop-gateway', modules: [] });
    expect(overview.body.modules).toEqual(
      MODULES.map((name) => ({
        name,
        location: 'remote',
        instances: [
          {
            url: split!.urls[name],
            healthy: true,
            // Versions per instance are checked in test/platform/console.test.ts; here only that they are shown.
            contracts: { serves: expect.any(Object), calls: expect.any(Object) },
          },
        ],
      })),
    );
    const calls = await call('GET', '/api/v1/console/calls', { token: admin });
    expect(calls.body.edges).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ caller: 'orders', callee: 'catalog', operation: 'reserve', transport: 'remote' }),
        expect.objectContaining({ caller: 'orders', callee: 'payments', operation: 'charge', transport: 'remote' }),
      ]),
    );
    const resilience = await call('GET', '/api/v1/console/resilience', { token: admin });
    expect(resilience.body.processes).toHaveLength(6);
    expect(resilience.body.breakers).toEqual(
      expect.arrayContaining([
        {
          instance: split!.urls.orders,
          service: 'shop-orders',
          dependency: `payments ${split!.urls.payments}`,
          state: 'closed',
        },
        expect.objectContaining({ service: 'shop-gateway', dependency: `gateway:orders ${split!.urls.orders}` }),
      ]),
    );
    expect(resilience.body.queues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ service: 'shop-notifications', module: 'notifications', failed: 0 }),
      ]),
    );
  });

  it(
    'signs an admin in, finds the checkout by order id and shows its waterfall across four modules or more',
    { timeout: 60_000 },
    async (ctx) => {
      if (!browser) return ctx.skip();
      const page = await browser.context.newPage();
      page.setDefaultTimeout(15_000);
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(`${gateway}/console`);
      await page.fill('input[type=email]', ADMIN.email);
      await page.fill('input[type=password]', ADMIN.password);
      await page.click('#login button[type=submit]');
      await page
        .waitForSelector('#modules .module[data-module="notifications"] .instance[data-healthy="true"]')
        .catch(async (error) => {
          // What the page showed instead, for whoever reads the failure.
          mkdirSync(ARTEFACTS, { recursive: true });
          await page.screenshot({ path: path.join(ARTEFACTS, 'console-failure.png'), fullPage: true });
          throw error;
        });
      expect(
        await page.$$eval('#modules .module', (cards) => cards.map((card) => card.getAttribute('data-location'))),
      ).toEqual(MODULES.map(() => 'remote'));
      await page.fill('#trace-query', orderId);
      await page.click('#trace-search button[type=submit]');
      await page.waitForSelector('#waterfall .span-row');
      // Notifications' spans come from the order.confirmed event, a moment after the answer.
      const modules = await eventually('spans of notifications in the waterfall', () => waterfallModules(page), {
        until: (seen) => seen.includes('notifications'),
        timeoutMs: 15_000,
        everyMs: 500,
        onTimeout: 'return',
      });
      expect(modules).toEqual(expect.arrayContaining(['gateway', 'orders', 'catalog', 'payments']));
      expect(modules.length).toBeGreaterThanOrEqual(4);
      expect(await page.textContent('#traces tbody tr.selected')).toContain('POST /api/v1/orders');
      await page.waitForSelector('#calls tbody td.transport-remote');
      // A rate needs two readings of the counters: the page's next poll brings one.
      await expect
        .poll(() => page.textContent('#calls tbody tr td:nth-child(4)'), { timeout: 10_000, interval: 500 })
        .not.toBe('–');
      expect(await page.isHidden('#login')).toBe(true);
      mkdirSync(ARTEFACTS, { recursive: true });
      const screenshot = path.join(ARTEFACTS, 'console-split.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      console.log(`console screenshot: ${screenshot}`);
      expect(problems).toEqual([]);
      await page.close();
    },
  );

  it('opens Swagger UI at /docs with the operations of every module and the console', async (ctx) => {
    if (!browser) return ctx.skip();
    const page = await browser.context.newPage();
    await page.goto(`${gateway}/docs/`);
    await page.waitForSelector('.opblock-summary-path');
    const paths = await page.$$eval('.opblock-summary-path', (nodes) => nodes.map((node) => node.textContent?.trim()));
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/products', '/api/v1/orders', '/api/v1/console/overview']),
    );
    expect(await page.textContent('body')).toContain('Console: the modules and where each runs');
    await page.screenshot({ path: path.join(ARTEFACTS, 'swagger-ui.png') });
    await page.close();
  });
});
