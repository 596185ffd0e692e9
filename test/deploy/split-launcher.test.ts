import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM launcher without types
import { launcherOptions, parseReplicas, startSplit } from '../../deploy/split.mjs';
// @ts-expect-error plain ESM helper without types
import { prefixFor, prettyLine } from '../../deploy/split-output.mjs';

// A stand-in for main: ready at once, answers every request with the variables the launcher set.
const FAKE_MAIN = `
const keys = ['MODULES', 'PORT', 'DISCOVERY_URL', 'ADVERTISE_URL', 'ORDERS_URL', 'CATALOG_URL', 'INTERNAL_TOKEN_SECRET'];
require('node:http').createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ pid: process.pid, env: Object.fromEntries(keys.map((k) => [k, process.env[k]])) }));
}).listen(Number(process.env.PORT), '127.0.0.1');
console.log(JSON.stringify({ level: 30, time: new Date().toISOString(), msg: 'listening' }));
`;
const FAILING_MAIN = `
if (process.env.MODULES === 'notifications') {
  console.error('config: SMTP_URL must be an smtp:// URL');
  process.exit(1);
}
setInterval(() => {}, 1000);
`;
const basePort = () => 10000 + Math.floor(Math.random() * 20000);
const about = (url: string) =>
  fetch(`${url}/`).then((r) => r.json() as Promise<{ pid: number; env: Record<string, string | undefined> }>);

describe('deploy/split.mjs', () => {
  it('parses replicas and refuses replicas without PostgreSQL, naming the fix', async () => {
    expect(parseReplicas('catalog=2, orders=3')).toEqual({ catalog: 2, orders: 3 });
    expect(() => parseReplicas('catalog')).toThrow(/name=count/);
    await expect(
      startSplit({ instances: { orders: 2 }, env: { DATABASE_URL: '' }, entry: ['-e', FAKE_MAIN] }),
    ).rejects.toThrow(/replicas of orders need DATABASE_URL=postgres/);
    await expect(startSplit({ instances: { shipping: 2 }, entry: ['-e', FAKE_MAIN] })).rejects.toThrow(
      /unknown process "shipping"/,
    );
  });

  it('takes the bus from --bus, else EVENT_BUS, else BullMQ, and refuses one that cannot cross processes', () => {
    expect(launcherOptions(['--bus', 'rabbitmq', '--replicas=orders=2'], {})).toEqual({
      instances: { orders: 2 },
      env: { EVENT_BUS: 'rabbitmq' },
    });
    expect(launcherOptions([], { EVENT_BUS: 'rabbitmq', SPLIT_REPLICAS: 'catalog=2' })).toEqual({
      instances: { catalog: 2 },
      env: { EVENT_BUS: 'rabbitmq' },
    });
    expect(launcherOptions([], {}).env).toEqual({ EVENT_BUS: 'bullmq' });
    expect(() => launcherOptions(['--bus', 'memory'], {})).toThrow(/"memory" cannot carry events between processes/);
    expect(() => launcherOptions(['--fast'], {})).toThrow(/usage: \[--replicas/);
  });

  it('puts the last stderr lines of a child that dies during startup into the error', async () => {
    const failed = startSplit({
      basePort: basePort(),
      entry: ['-e', FAILING_MAIN],
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    await expect(failed).rejects.toThrow(
      /notifications exited with code 1 during startup; its last stderr lines:\nconfig: SMTP_URL must be an smtp:\/\/ URL/,
    );
  });

  it('gives replicas their own ports, URL lists or discovery with ADVERTISE_URL, and restarts an instance alike', async () => {
    const port = basePort();
    const env = { DATABASE_URL: 'postgres://shop@db/shop', DISCOVERY_URL: 'etcd://127.0.0.1:2379' };
    const split = await startSplit({
      basePort: port,
      entry: ['-e', FAKE_MAIN],
      env,
      instances: { orders: 2, gateway: 2 },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    try {
      expect(split.instances.map((i: { label: string }) => i.label)).toEqual([
        'gateway-1',
        'users',
        'catalog',
        'orders-1',
        'payments',
        'notifications',
        'gateway-2',
        'orders-2',
      ]);
      const second = split.instances.find((i: { label: string }) => i.label === 'orders-2');
      expect(second.url).toBe(`http://127.0.0.1:${port + 13}`);
      const before = await about(second.url);
      expect(before.env).toMatchObject({
        MODULES: 'orders',
        PORT: String(port + 13),
        DISCOVERY_URL: env.DISCOVERY_URL,
        ADVERTISE_URL: second.url,
        INTERNAL_TOKEN_SECRET: split.secret,
      });
      expect(before.env.ORDERS_URL).toBeUndefined();
      expect(split.moduleUrls).toEqual({});

      second.child.kill('SIGKILL');
      await split.restart(second);
      const after = await about(second.url);
      expect(after.pid).not.toBe(before.pid);
      expect(after.env).toEqual(before.env);
      expect(split.children).toContain(second.child);
    } finally {
      await split.stop();
    }
    expect(
      split.children.every(
        (child: { exitCode: number | null; signalCode: string | null }) =>
          child.exitCode !== null || child.signalCode !== null,
      ),
    ).toBe(true);
  });

  it('without discovery, lists every instance of a module in its <MODULE>_URL', async () => {
    const port = basePort();
    const split = await startSplit({
      basePort: port,
      entry: ['-e', FAKE_MAIN],
      env: { DATABASE_URL: 'postgres://shop@db/shop' },
      instances: { orders: 2 },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    try {
      const { env } = await about(split.urls.catalog);
      expect(env.ORDERS_URL).toBe(`http://127.0.0.1:${port + 3},http://127.0.0.1:${port + 13}`);
      expect(env.ADVERTISE_URL).toBeUndefined();
      expect(split.moduleUrls.ORDERS_URL).toBe(env.ORDERS_URL);
    } finally {
      await split.stop();
    }
  });

  it('prefixes lines with the padded label and pretty-prints pino JSON', () => {
    expect(prefixFor('orders', 13, 0, false)).toBe('orders        | ');
    const line = JSON.stringify({ level: 40, time: '2025-01-02T03:04:05.678Z', pid: 7, msg: 'slow', traceId: 'abc' });
    expect(prettyLine(line, false)).toBe('03:04:05.678 WARN  slow traceId=abc');
    expect(prettyLine('plain text', false)).toBe('plain text');
  });
});
