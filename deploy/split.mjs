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
 * Starts the six processes. `entry` is the node arguments that run main (dist/main.js by default).
 * Resolves with { urls, children, stop, secret, moduleUrls } once every process answers /health/ready.
 */
export async function startSplit({ basePort = 3000, entry = ['dist/main.js'], env = {}, stdio = 'inherit' } = {}) {
  const urls = Object.fromEntries(LAYOUT.map(([name, offset]) => [name, `http://127.0.0.1:${basePort + offset}`]));
  const secret = env.INTERNAL_TOKEN_SECRET ?? process.env.INTERNAL_TOKEN_SECRET ?? randomBytes(32).toString('hex');
  const moduleUrls = Object.fromEntries(
    LAYOUT.filter(([name]) => name !== 'gateway').map(([name]) => [`${name.toUpperCase()}_URL`, urls[name]]),
  );
  const shared = { ...process.env, ...moduleUrls, ...env, INTERNAL_TOKEN_SECRET: secret };
  const children = LAYOUT.map(([name, offset]) =>
    spawn(process.execPath, entry, { env: { ...shared, MODULES: name, PORT: String(basePort + offset) }, stdio }),
  );
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
    await Promise.all(LAYOUT.map(([name], index) => waitUntilReady(urls[name], children[index], name)));
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return { urls, children, stop, secret, moduleUrls };
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
