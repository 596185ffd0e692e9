// Split mode on one machine: every module in its own OS process, plus the gateway in front.
// Used by `npm run start:split` and by the end-to-end tests (which run the TypeScript entry).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export const LAYOUT = [
  ['gateway', 0],
  ['users', 1],
  ['catalog', 2],
  ['orders', 3],
  ['payments', 4],
  ['notifications', 5],
];

/**
 * Starts the six processes, or more with `instances` (e.g. `{ orders: 2 }`: PostgreSQL only, as
 * SQLite files are one process's each). `entry` is the node arguments that run main
 * (dist/main.js by default). The first instance of a module listens on basePort + its offset, the
 * n-th (n ≥ 1) on basePort + 10·n + its offset. Resolves once every process answers
 * /health/ready with { urls (first instance of each), instances: [{ name, url, child }],
 * children (the first instances, in LAYOUT order, then the others), stop, secret, moduleUrls }.
 */
export async function startSplit({
  basePort = 3000,
  entry = ['dist/main.js'],
  env = {},
  stdio = 'inherit',
  instances: counts = {},
} = {}) {
  const planned = LAYOUT.flatMap(([name, offset]) =>
    Array.from({ length: counts[name] ?? 1 }, (_, n) => ({ name, n, port: basePort + 10 * n + offset })),
  ).sort((a, b) => a.n - b.n);
  for (const instance of planned) instance.url = `http://127.0.0.1:${instance.port}`;
  const urls = Object.fromEntries(planned.filter(({ n }) => n === 0).map(({ name, url }) => [name, url]));
  const secret = env.INTERNAL_TOKEN_SECRET ?? process.env.INTERNAL_TOKEN_SECRET ?? randomBytes(32).toString('hex');
  const moduleUrls = Object.fromEntries(
    LAYOUT.filter(([name]) => name !== 'gateway').map(([name]) => [
      `${name.toUpperCase()}_URL`,
      planned
        .filter((instance) => instance.name === name)
        .map((instance) => instance.url)
        .join(','),
    ]),
  );
  const shared = { ...process.env, ...moduleUrls, ...env, INTERNAL_TOKEN_SECRET: secret };
  const started = planned.map(({ name, port, url }) => ({
    name,
    url,
    child: spawn(process.execPath, entry, { env: { ...shared, MODULES: name, PORT: String(port) }, stdio }),
  }));
  const children = started.map(({ child }) => child);
  const stop = async (signal = 'SIGTERM') => {
    await Promise.all(
      children.map((child) =>
        child.exitCode !== null || child.signalCode !== null
          ? undefined
          : new Promise((resolve) => {
              child.once('exit', resolve);
              child.kill(signal);
            }),
      ),
    );
  };
  try {
    await Promise.all(started.map(({ name, url, child }) => waitUntilReady(url, child, name)));
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return { urls, instances: started, children, stop, secret, moduleUrls };
}

async function waitUntilReady(url, child, name, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} during startup`);
    const ready = await fetch(`${url}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} was not ready within ${timeoutMs} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const split = await startSplit({ basePort: Number(process.env.PORT ?? 3000) });
  console.log(`split mode ready: gateway ${split.urls.gateway}`);
  const shutdown = () => split.stop().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
