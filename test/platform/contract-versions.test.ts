import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogContract } from '../../src/modules/catalog/contract/catalog.contract.js';
import { AppError } from '../../src/platform/kernel/errors.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { createContractClient } from '../../src/platform/rpc/contract-client.js';
import { createServiceTokens } from '../../src/platform/rpc/service-token.js';
import { createMetrics } from '../../src/platform/telemetry/metrics.js';
import { createProduct } from '../orders/orders.fixtures.js';
import { expectProblem } from '../support/http.js';
import { startTestShop, type TestShop } from '../support/shop.js';

const SECRET = 'contract-versions-secret-0123456789abcdef';

/** A client of the catalog as a build against `version` of its contract would have it. */
const clientAt = (version: `${number}.${number}`, urls: string[]) =>
  createContractClient({ ...catalogContract, version }, urls, {
    logger: createLogger('silent'),
    metrics: createMetrics(),
    serviceTokens: createServiceTokens(SECRET),
  });

describe('contract versions between processes (catalog serves 1.0)', () => {
  let shop: TestShop;
  let productId: string;
  let refusing: Server;
  let refusals = 0;

  beforeAll(async () => {
    shop = await startTestShop({ INTERNAL_TOKEN_SECRET: SECRET });
    productId = await createProduct(shop, await shop.adminToken(), { stock: 7 });
    // An instance of catalog 2.0, as its contract server refuses a 1.x caller.
    refusing = createServer((_req, res) => {
      refusals++;
      res.writeHead(503, { 'content-type': 'application/problem+json', 'x-contract-version': '2.0' });
      res.end(JSON.stringify({ status: 503, code: 'service_unavailable', detail: 'catalog here serves 2.0' }));
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await shop?.stop();
    await new Promise((resolve) => refusing?.close(resolve));
  });

  const call = async (version?: string) =>
    shop.request('POST', '/internal/catalog/getProducts', {
      headers: {
        'x-internal-token': await createServiceTokens(SECRET).forCallee('catalog'),
        ...(version ? { 'x-contract-version': version } : {}),
      },
      body: { input: { ids: [productId] } },
    });

  it('serves a caller of its major, whatever its minor, and states the version it serves', async () => {
    for (const version of ['1.0', '1.7']) {
      const response = await call(version);
      expect(response.status).toBe(200);
      expect(response.body.output.products.map((p: { stock: number }) => p.stock)).toEqual([7]);
      expect(response.headers.get('x-contract-version')).toBe('1.0');
    }
  });

  it('takes a caller that states no version as 1.0, the version builds before versions were', async () => {
    expect((await call()).status).toBe(200);
  });

  it('refuses a caller of another major with a 503 problem naming both versions, before doing anything', async () => {
    const response = await call('2.1');
    expectProblem(response, 503, 'service_unavailable', { rfc9457: true });
    expect(response.body).toMatchObject({ contract: 'catalog', served: '1.0', caller: '2.1' });
    expect(response.body.detail).toMatch(/serves contract 1\.0; this caller was built against catalog 2\.1/);
    expect(response.headers.get('x-contract-version')).toBe('1.0');
  });

  it('answers 400 for a version that is not MAJOR.MINOR', async () => {
    expectProblem(await call('v2'), 400, 'validation_failed');
  });

  it('gives a caller of another major a service_unavailable error that names both versions', async () => {
    const error = await clientAt('2.0', [shop.url])
      .api.getProducts({ ids: [productId] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'service_unavailable', status: 503 });
    expect((error as AppError).detail).toMatch(/serves contract 1\.0; this caller was built against catalog 2\.0/);
  });

  it('passes over an instance of another major to one of its own, without counting it as failed', async () => {
    const client = clientAt('1.0', [`http://127.0.0.1:${(refusing.address() as AddressInfo).port}`, shop.url]);
    const before = refusals;
    for (let n = 0; n < 6; n++) {
      const { products } = await client.api.getProducts({ ids: [productId] });
      expect(products.map((p) => p.stock)).toEqual([7]);
    }
    // Round robin started at each instance in turn; the refusing one never opened its breaker.
    expect(refusals - before).toBe(3);
    await client.upstream.close();
  });
});
