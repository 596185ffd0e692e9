import { Etcd3 } from 'etcd3';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDiscovery, type Discovery } from '../../src/platform/discovery/discovery.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { Upstream } from '../../src/platform/discovery/upstream.js';
import { freePort, requireEtcd, startEtcd, type TestEtcd } from '../support/etcd.js';
import { eventually } from '../support/eventually.js';
import { uniqueSuffix } from '../support/services.js';

const logger = createLogger('silent');
const available = requireEtcd();

describe.skipIf(!available)('discovery through etcd: registering and following instances', () => {
  let etcd: TestEtcd | undefined;
  let client: Etcd3;
  let prefix: string;
  const started: Discovery[] = [];
  const upstreams: Upstream[] = [];

  const discovery = async (endpoint: string, advertiseUrl?: string) => {
    const instance = await startDiscovery({ endpoints: [endpoint], prefix, advertiseUrl }, logger);
    started.push(instance);
    return instance;
  };
  const upstream = () => {
    const created = new Upstream({ name: 'catalog', urls: [], logger, registry: new Registry(), timeoutMs: 1000 });
    upstreams.push(created);
    return created;
  };
  const registered = async () => Object.keys(await client.getAll().prefix(`${prefix}services/`).strings()).sort();

  beforeEach(async () => {
    prefix = `/test-${uniqueSuffix()}/`;
  });

  afterEach(async () => {
    for (const instance of started.splice(0)) {
      await instance.deregister();
      await instance.close();
    }
    await Promise.all(upstreams.splice(0).map((created) => created.close()));
    if (etcd)
      await client
        .delete()
        .prefix(prefix)
        .catch(() => undefined);
    client?.close();
    await etcd?.stop();
    etcd = undefined;
  }, 20_000);

  const withEtcd = async (clientPort = 0) => {
    etcd = await startEtcd({ clientPort });
    client = new Etcd3({ hosts: etcd.clientUrl });
    return etcd;
  };

  it('feeds an upstream the URLs registered for its module, and drops each on deregistration', async () => {
    const { clientUrl } = await withEtcd();
    const caller = await discovery(clientUrl);
    const catalog = upstream();
    caller.follow('catalog', catalog);
    const first = await discovery(clientUrl, 'http://127.0.0.1:4102');
    const second = await discovery(clientUrl, 'http://127.0.0.1:4112');
    first.register(['catalog'], 4102);
    second.register(['catalog'], 4112);
    (await discovery(clientUrl, 'http://127.0.0.1:4104')).register(['payments'], 4104);

    await eventually('both catalog instances', () => catalog.urls.length === 2);
    expect(catalog.urls).toEqual(['http://127.0.0.1:4102', 'http://127.0.0.1:4112']);
    expect(await caller.healthCheck.check()).toMatchObject({
      etcd: 'connected',
      instances: { catalog: 2, payments: 1 },
    });

    await first.deregister();
    // The watch sees the deletion at once: no lease has to run out.
    await eventually('one catalog instance', () => catalog.urls.length === 1, { timeoutMs: 2000 });
    expect(catalog.urls).toEqual(['http://127.0.0.1:4112']);
    await second.deregister();
    await eventually('no catalog instance', () => catalog.urls.length === 0, { timeoutMs: 2000 });
    // No instance is a down module for its callers, not an error of theirs.
    await expect(catalog.request({ method: 'GET', path: '/', headers: {}, idempotent: true })).rejects.toThrow(
      /catalog is unavailable/,
    );
  });

  it("records the contract versions of each instance, and follows only the instances of a caller's major", async () => {
    const { clientUrl } = await withEtcd();
    const caller = await discovery(clientUrl);
    const [anyMajor, ofMajor1] = [upstream(), upstream()];
    caller.follow('catalog', anyMajor);
    caller.follow('catalog', ofMajor1, '1.3');
    const calls = { payments: '1.0' } as const;
    (await discovery(clientUrl, 'http://127.0.0.1:4102')).register(['catalog'], 4102, {
      serves: { catalog: '1.1' },
      calls,
    });
    (await discovery(clientUrl, 'http://127.0.0.1:4112')).register(['catalog'], 4112, {
      serves: { catalog: '2.0' },
      calls,
    });
    // A build older than contract versions registers none: it is taken as 1.0.
    (await discovery(clientUrl, 'http://127.0.0.1:4122')).register(['catalog'], 4122);

    await eventually('three catalog instances', () => anyMajor.urls.length === 3);
    await eventually('two of major 1', () => ofMajor1.urls.length === 2);
    expect(ofMajor1.urls).toEqual(['http://127.0.0.1:4102', 'http://127.0.0.1:4122']);
    const records = Object.values(await client.getAll().prefix(`${prefix}services/catalog/`).json()) as {
      url: string;
      contracts?: object;
    }[];
    expect(Object.fromEntries(records.map((record) => [record.url, record.contracts]))).toEqual({
      'http://127.0.0.1:4102': { serves: { catalog: '1.1' }, calls },
      'http://127.0.0.1:4112': { serves: { catalog: '2.0' }, calls },
      'http://127.0.0.1:4122': undefined,
    });
  });

  it('keeps the last known instances while etcd is down, and says so in its readiness report', async () => {
    const { clientUrl } = await withEtcd();
    const caller = await discovery(clientUrl);
    const catalog = upstream();
    caller.follow('catalog', catalog);
    (await discovery(clientUrl, 'http://127.0.0.1:4202')).register(['catalog'], 4202);
    await eventually('the catalog instance', () => catalog.urls.length === 1);

    await etcd!.stop();
    etcd = undefined;
    const report = await eventually(
      'the report of an unreachable etcd',
      async () => (await caller.healthCheck.check()) as { etcd: string; instances: Record<string, number> },
      { until: (r) => r.etcd.startsWith('unreachable'), timeoutMs: 5000, everyMs: 100 },
    );
    expect(report.instances).toEqual({ catalog: 1 });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(catalog.urls).toEqual(['http://127.0.0.1:4202']);
  }, 20_000);

  it('starts while etcd is unreachable, is not ready, and registers and reads once etcd answers', async () => {
    const clientPort = await freePort();
    const caller = await discovery(`http://127.0.0.1:${clientPort}`, 'http://127.0.0.1:4303');
    const catalog = upstream();
    caller.follow('catalog', catalog);
    caller.register(['orders'], 4303);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await expect(caller.healthCheck.check()).rejects.toThrow(/etcd not read yet/);
    expect(catalog.urls).toEqual([]);

    await withEtcd(clientPort);
    await client.put(`${prefix}services/catalog/other-1`).value(
      JSON.stringify({
        module: 'catalog',
        url: 'http://127.0.0.1:4302',
        instanceId: 'other-1',
        version: '0.0.0',
        startedAt: new Date().toISOString(),
      }),
    );
    await eventually('the registration after etcd came up', async () => (await registered()).length === 2, {
      timeoutMs: 20_000,
      everyMs: 200,
    });
    const keys = await registered();
    expect(keys[0]).toBe(`${prefix}services/catalog/other-1`);
    expect(keys[1]).toMatch(new RegExp(`^${prefix}services/orders/[^/]+$`));
    await eventually('the catalog instance', () => catalog.urls.length === 1, { timeoutMs: 20_000, everyMs: 200 });
    expect(catalog.urls).toEqual(['http://127.0.0.1:4302']);
    expect(await caller.healthCheck.check()).toMatchObject({ registered: true, instances: { catalog: 1, orders: 1 } });
  }, 40_000);
});
