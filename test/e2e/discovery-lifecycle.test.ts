import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Etcd3 } from 'etcd3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { requireEtcd, startEtcd, type TestEtcd } from '../support/etcd.js';
import { eventually } from '../support/eventually.js';
import { uniqueSuffix } from '../support/services.js';

const MODULES = ['catalog', 'notifications', 'orders', 'payments', 'users'];
const VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const available = requireEtcd();

describe.skipIf(!available)('a process in the etcd registry: registered while it runs, gone when it stops', () => {
  let etcd: TestEtcd;
  let client: Etcd3;
  let prefix: string;
  let dataDir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    etcd = await startEtcd();
    client = new Etcd3({ hosts: etcd.clientUrl });
  });

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    if (prefix) await client.delete().prefix(prefix);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  afterAll(async () => {
    client?.close();
    await etcd?.stop();
  });

  /** The monolith as a real process on a random port, registering in the test's etcd under its own prefix. */
  async function startShop(): Promise<{ port: number; child: ChildProcess }> {
    prefix = `/test-${uniqueSuffix()}/`;
    dataDir = mkdtempSync(path.join(tmpdir(), 'shop-discovery-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        PORT: '0',
        DATA_DIR: dataDir,
        SEED_DEMO_CATALOG: 'false',
        LOG_LEVEL: 'info',
        DISCOVERY_URL: etcd.discoveryUrl,
        DISCOVERY_PREFIX: prefix,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    for await (const line of createInterface({ input: child.stdout! })) {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      if (entry.msg === 'listening') {
        child.stdout!.resume();
        return { port: entry.port!, child };
      }
    }
    throw new Error('the shop exited before listening');
  }

  const records = async () => {
    const values = await client.getAll().prefix(`${prefix}services/`).strings();
    return Object.entries(values).map(([key, value]) => ({ key, value: JSON.parse(value) }));
  };
  const leaseOf = async (key: string) => {
    const [kv] = (await client.getAll().prefix(key).exec()).kvs;
    return client.leaseClient.leaseTimeToLive({ ID: kv.lease });
  };
  const registeredAll = () =>
    eventually('the five registrations', records, { until: (r) => r.length === MODULES.length, timeoutMs: 30_000 });

  it('registers each module at <prefix>services/<module>/<instanceId> with its record under a 10 s lease', async () => {
    const before = Date.now();
    const { port } = await startShop();
    const found = await registeredAll();
    const instanceId = found[0].value.instanceId as string;
    expect(found.map(({ key }) => key)).toEqual(MODULES.map((module) => `${prefix}services/${module}/${instanceId}`));
    for (const [index, { value }] of found.entries()) {
      expect(value).toEqual({
        module: MODULES[index],
        url: `http://${hostname()}:${port}`,
        instanceId,
        version: VERSION,
        startedAt: expect.any(String),
        // The contracts this process serves and calls, with their versions (API.md "Evolving modules").
        contracts: { serves: expect.any(Object), calls: expect.any(Object) },
      });
      expect(Object.keys(value.contracts.serves).length + Object.keys(value.contracts.calls).length).toBeGreaterThan(0);
      expect(Date.parse(value.startedAt)).toBeGreaterThanOrEqual(before);
    }
    const lease = await leaseOf(found[0].key);
    expect(lease.grantedTTL).toBe('10');
    // Kept alive every ~3.3 s: well past a third of the TTL it is renewed, not running down.
    await new Promise((resolve) => setTimeout(resolve, 4500));
    expect(Number((await leaseOf(found[0].key)).TTL)).toBeGreaterThanOrEqual(7);
  }, 60_000);

  it('deletes its records on SIGTERM, before it exits 0', async () => {
    const { child } = await startShop();
    const [{ key }] = await registeredAll();
    const { ID } = await leaseOf(key);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await records()).toEqual([]);
    // Revoked, not left to run out: etcd no longer knows the lease.
    expect((await client.leaseClient.leaseTimeToLive({ ID })).TTL).toBe('-1');
  }, 60_000);

  it('loses the records of a killed process when its lease runs out', async () => {
    const { child } = await startShop();
    const [{ key }] = await registeredAll();
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(await records()).toHaveLength(MODULES.length);
    const ttlAtKill = Number((await leaseOf(key)).TTL);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    // Nobody keeps it alive any more: the TTL runs down instead of being renewed.
    expect(Number((await leaseOf(key)).TTL)).toBeLessThanOrEqual(ttlAtKill - 2);
    const gone = await eventually('the records to expire', records, {
      until: (r) => r.length === 0,
      timeoutMs: 10_000,
      everyMs: 250,
    });
    expect(gone).toEqual([]);
  }, 60_000);
});
