import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceTokens } from '../../src/platform/rpc/service-token.js';
import { checkoutLoad, customerTokens, expectBooksAgree, type Answer } from '../support/checkout-load.js';
import { httpClient } from '../support/http.js';
import { startSplitMode, type RunningSplit } from '../support/modes.js';
import { requirePostgres, requireRedis } from '../support/services.js';
import { ADMIN } from '../support/shop.js';
import { copyTree, type TreeCopy } from '../support/tree-copy.js';
import { CATALOG_1_1, CATALOG_2_0 } from './mixed-versions.changes.js';

const available = (await requirePostgres()) && (await requireRedis());
const STOCK = 5000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Split mode with catalog-2 and orders-2 run from `build`, the rest from this tree; a product and customers. */
async function mixedShop(label: string, build: TreeCopy) {
  const other = [`${build.dir}/dist/main.js`];
  const shop = await startSplitMode(label, {
    instances: { catalog: 2, orders: 2 },
    entries: { 'catalog-2': other, 'orders-2': other },
    env: { SAGA_RECOVERY_AFTER: '2000' },
    // Eight processes starting at once on two cores (six from TypeScript sources) need more than the usual minute.
    readyTimeoutMs: 150_000,
  });
  const call = httpClient(shop.processes.urls.gateway);
  const admin = (await call('POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken;
  const create = (sku: string, stock: number) =>
    call('POST', '/api/v1/products', {
      token: admin,
      body: { sku, name: sku, priceCents: 900, currency: 'USD', stock },
    });
  const [product, soldOut] = [(await create(`${label}-MUG`, STOCK)).body.id, (await create(`${label}-OUT`, 0)).body.id];
  return { shop, call, product, soldOut, tokens: await customerTokens(call, 4, label) };
}

const instance = (shop: RunningSplit, label: string) => shop.processes.instances.find((i) => i.label === label)!;

/** A contract call as a caller built against `version` makes it. */
async function internal(shop: RunningSplit, label: string, version: string, input: unknown) {
  const response = await fetch(`${instance(shop, label).url}/internal/catalog/getProducts`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-internal-token': await createServiceTokens(shop.processes.secret).forCallee('catalog'),
      'x-contract-version': version,
    },
    body: JSON.stringify({ input }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** The contract versions the gateway's readiness report shows for each instance of `module`. */
async function versionsAtGateway(shop: RunningSplit, module: string, pick: 'serves' | 'calls') {
  const ready = await httpClient(shop.processes.urls.gateway)('GET', '/health/ready');
  const instances: { contracts: Record<string, Record<string, string>> }[] =
    ready.body.checks[`module:${module}`].instances;
  return instances.map((i) => i.contracts[pick].catalog);
}

/** Requests `label` served on `route` (its own count since it last started). */
async function served(shop: RunningSplit, label: string, route: string): Promise<number> {
  const text = await (await fetch(`${instance(shop, label).url}/metrics`)).text();
  const lines = text
    .split('\n')
    .filter((l) => l.startsWith('http_request_duration_seconds_count') && l.includes(`route="${route}"`));
  return lines.reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

const statuses = (answers: Answer[]) => [...new Set(answers.map((a) => a.status))].sort();

describe.skipIf(!available)('one module in two builds at once behind the gateway', () => {
  let compatible: TreeCopy;
  let major: TreeCopy;
  beforeAll(async () => {
    [compatible, major] = [copyTree('catalog-1-1'), copyTree('catalog-2-0')];
    compatible.apply(CATALOG_1_1);
    major.apply(CATALOG_2_0);
    await Promise.all([compatible.build(), major.build()]);
  }, 300_000);
  afterAll(() => {
    compatible?.remove();
    major?.remove();
  });

  describe('catalog 1.0 and 1.1 (optional input field, output field), orders built against each', () => {
    let mixed: Awaited<ReturnType<typeof mixedShop>>;
    beforeAll(async () => {
      mixed = await mixedShop('mixed-minor', compatible);
    }, 200_000);
    afterAll(() => mixed?.shop.stop(), 60_000);

    it('answers every checkout while instances of both builds die and return, and the books agree', async () => {
      const { shop, product, soldOut, tokens } = mixed;
      expect(await versionsAtGateway(shop, 'catalog', 'serves')).toEqual(['1.0', '1.1']);
      expect(await versionsAtGateway(shop, 'orders', 'calls')).toEqual(['1.0', '1.1']);
      // 1.1 honours the new input and gives the new output; 1.0 ignores the input: why callees go first.
      const newer = await internal(shop, 'catalog-2', '1.1', { ids: [product, soldOut], inStockOnly: true });
      expect(newer.body.output.products.map((p: { available: boolean }) => p.available)).toEqual([true]);
      const older = await internal(shop, 'catalog-1', '1.1', { ids: [product, soldOut], inStockOnly: true });
      expect(older.body.output.products.map((p: object) => 'available' in p)).toEqual([false, false]);

      const kills = async () => {
        await sleep(2500);
        // Every instance of both builds has done its share before the first kill.
        for (const label of ['catalog-1', 'catalog-2'])
          expect(await served(shop, label, '/internal/catalog/reserve'), label).toBeGreaterThan(0);
        for (const label of ['orders-1', 'orders-2'])
          expect(await served(shop, label, '/api/v1/orders'), label).toBeGreaterThan(0);
        for (const label of ['catalog-2', 'orders-1', 'catalog-1', 'orders-2']) {
          instance(shop, label).child.kill('SIGKILL');
          await sleep(1500);
          await shop.processes.restart(label);
        }
      };
      const gateway = shop.processes.urls.gateway;
      const [answers] = await Promise.all([
        checkoutLoad({ gateway, tokens, productId: product, workers: 6, durationMs: 16_000, label: 'minor' }),
        kills(),
      ]);
      expect(answers.filter((a) => ![201, 202, 409, 503].includes(a.status))).toEqual([]);
      expect(answers.filter((a) => a.status === 503 && a.code !== 'service_unavailable')).toEqual([]);
      expect(answers.filter((a) => a.status === 201).length).toBeGreaterThan(answers.length / 2);
      const books = await expectBooksAgree(shop, { tokens, productId: product, stock: STOCK, answers });
      console.info('mixed minor:', JSON.stringify({ answers: answers.length, statuses: statuses(answers), books }));
    }, 180_000);
  });

  describe('catalog 1.0 and 2.0 (a narrowed input, with its major bump), orders built against each', () => {
    let mixed: Awaited<ReturnType<typeof mixedShop>>;
    beforeAll(async () => {
      mixed = await mixedShop('mixed-major', major);
    }, 200_000);
    afterAll(() => mixed?.shop.stop(), 60_000);

    it('serves both majors side by side, and refuses a caller left without its major with a clear 503', async () => {
      const { shop, product, tokens } = mixed;
      expect(await versionsAtGateway(shop, 'catalog', 'serves')).toEqual(['1.0', '2.0']);
      const refused = await internal(shop, 'catalog-2', '1.0', { ids: [product] });
      expect(refused).toMatchObject({
        status: 503,
        body: { code: 'service_unavailable', served: '2.0', caller: '1.0' },
      });

      const gateway = shop.processes.urls.gateway;
      const load = (label: string, durationMs: number) =>
        checkoutLoad({ gateway, tokens, productId: product, workers: 4, durationMs, label });
      // Both majors up: each orders build finds the catalog of its major (refusals are passed over).
      const together = await load('together', 4000);
      expect(statuses(together)).toEqual([201]);
      // catalog 1.0 gone: orders built against 1.0 is refused by 2.0, and says so; orders on 2.0 carries on.
      instance(shop, 'catalog-1').child.kill('SIGKILL');
      const alone = await load('alone', 4000);
      const refusals = alone.filter((a) => a.status === 503);
      expect(refusals.length).toBeGreaterThan(0);
      expect(alone.filter((a) => a.status === 201).length).toBeGreaterThan(0);
      expect(alone.filter((a) => ![201, 503].includes(a.status))).toEqual([]);
      for (const answer of refusals)
        expect(answer.detail).toMatch(/catalog here serves contract 2\.0; this caller was built against catalog 1\.0/);
      await shop.processes.restart('catalog-1');
      const again = await load('again', 3000);
      expect(again.filter((a) => ![201, 503].includes(a.status))).toEqual([]);
      const answers = [...together, ...alone, ...again];
      const books = await expectBooksAgree(shop, { tokens, productId: product, stock: STOCK, answers });
      console.info('mixed major:', JSON.stringify({ refused: refusals.length, answers: answers.length, books }));
    }, 180_000);
  });
});
