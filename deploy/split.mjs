// Split mode on one machine: every module in its own OS process, plus the gateway in front.
// Used by `npm run start:split` and by the end-to-end tests (which run the TypeScript entry).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { launcherOptions } from './split-args.mjs';
import { prefixFor, relayLines, tailOf } from './split-output.mjs';

export { launcherOptions, parseReplicas } from './split-args.mjs';

export const LAYOUT = [
  ['gateway', 0],
  ['users', 1],
  ['catalog', 2],
  ['orders', 3],
  ['payments', 4],
  ['notifications', 5],
];

const NAMES = LAYOUT.map(([name]) => name);

/** The planned processes, or a clear error for unknown names, bad counts or replicas on SQLite. */
function plan(counts, basePort, databaseUrl) {
  for (const [name, count] of Object.entries(counts)) {
    if (!NAMES.includes(name)) throw new Error(`replicas: unknown process "${name}" (one of ${NAMES.join(', ')})`);
    if (!Number.isInteger(count) || count < 1 || count > 9) throw new Error(`replicas: ${name}=${count} is not 1..9`);
  }
  const replicated = Object.keys(counts).filter((name) => name !== 'gateway' && counts[name] > 1);
  if (replicated.length > 0 && !/^postgres(ql)?:\/\//.test(databaseUrl ?? '')) {
    throw new Error(
      `replicas of ${replicated.join(', ')} need DATABASE_URL=postgres://… (PostgreSQL): with SQLite each process has its own files`,
    );
  }
  return LAYOUT.flatMap(([name, offset]) =>
    Array.from({ length: counts[name] ?? 1 }, (_, n) => {
      const port = basePort + 10 * n + offset;
      const label = (counts[name] ?? 1) > 1 ? `${name}-${n + 1}` : name;
      return { name, label, n, port, url: `http://127.0.0.1:${port}` };
    }),
  ).sort((a, b) => a.n - b.n);
}

/** `'inherit'` or `[stdin, stdout, stderr]` → what the child gets, and what we do with its output. */
function streams(stdio) {
  const [input = 'ignore', out = 'inherit', err = 'inherit'] =
    typeof stdio === 'string' ? [stdio, stdio, stdio] : stdio;
  return {
    spawn: [input, out === 'inherit' ? 'pipe' : out, err === 'inherit' || err === 'ignore' ? 'pipe' : err],
    relayOut: out === 'inherit',
    relayErr: err === 'inherit',
  };
}

/**
 * Starts the six processes, or more with `instances` (e.g. `{ orders: 2 }`: PostgreSQL only, as SQLite
 * files are one process's each; the gateway needs none). `entry` is the node arguments that run main
 * (dist/main.js by default); `entries` gives some instances their own, by label (`{ 'catalog-2':
 * ['/tmp/other/dist/main.js'] }`: another build beside this one). Each process has `readyTimeoutMs`
 * (60 s) to answer /health/ready. The first instance of a module listens on basePort + its offset, the
 * n-th (n ≥ 1) on basePort + 10·n + its offset. With DISCOVERY_URL (in `env` or the environment), each
 * child gets it and its own ADVERTISE_URL instead of `<MODULE>_URL` lists. `instanceEnv` adds to the
 * environment of one process name's instances (e.g. `{ orders: { PAYMENTS_URL } }`: a fault proxy on
 * that link only). Output the caller leaves
 * `inherit`ed is relayed line by line behind the process's label (`orders-2 | …`), pretty-printed
 * when `pretty` (by default: stdout is a terminal); the last stderr lines of a child that dies during
 * startup are in the error. Resolves once every process answers /health/ready with { urls (first
 * instance of each), instances: [{ name, label, url, port, child }], children (the first instances,
 * in LAYOUT order, then the others), stop, restart, secret, moduleUrls }.
 */
export async function startSplit({
  basePort = 3000,
  entry = ['dist/main.js'],
  entries = {},
  readyTimeoutMs = 60_000,
  env = {},
  stdio = 'inherit',
  instances: counts = {},
  instanceEnv = {},
  pretty = Boolean(process.stdout.isTTY),
} = {}) {
  const planned = plan(counts, basePort, env.DATABASE_URL ?? process.env.DATABASE_URL);
  const urls = Object.fromEntries(planned.filter(({ n }) => n === 0).map(({ name, url }) => [name, url]));
  const secret = env.INTERNAL_TOKEN_SECRET ?? process.env.INTERNAL_TOKEN_SECRET ?? randomBytes(32).toString('hex');
  const discovery = env.DISCOVERY_URL ?? process.env.DISCOVERY_URL;
  const urlNames = NAMES.filter((name) => name !== 'gateway').map((name) => `${name.toUpperCase()}_URL`);
  const listed = (name) =>
    planned
      .filter((instance) => instance.name === name)
      .map((instance) => instance.url)
      .join(',');
  // With discovery the instances find each other; inherited URL lists would only pin stale addresses.
  const moduleUrls = discovery
    ? {}
    : Object.fromEntries(urlNames.map((key) => [key, listed(key.slice(0, -4).toLowerCase())]));
  const inherited = discovery
    ? Object.fromEntries(Object.entries(process.env).filter(([key]) => !urlNames.includes(key)))
    : process.env;
  const shared = { ...inherited, ...moduleUrls, ...env, INTERNAL_TOKEN_SECRET: secret };
  const io = streams(stdio);
  const width = Math.max(...planned.map(({ label }) => label.length));
  let stopping = false;

  const launch = (instance) => {
    const child = spawn(process.execPath, entries[instance.label] ?? entry, { env: instance.env, stdio: io.spawn });
    const prefix = prefixFor(instance.label, width, planned.indexOf(instance), pretty);
    if (io.relayOut) relayLines(child.stdout, process.stdout, prefix, pretty);
    if (io.relayErr) relayLines(child.stderr, process.stderr, prefix, pretty);
    instance.stderrTail = child.stderr ? tailOf(child.stderr) : undefined;
    child.once('exit', (code, signal) => {
      if (!stopping && io.relayErr) process.stderr.write(`${prefix}exited (${signal ?? `code ${code}`})\n`);
    });
    instance.child = child;
    return child;
  };
  for (const instance of planned) {
    const own = discovery ? { ADVERTISE_URL: instance.url } : {};
    const extra = instanceEnv[instance.name] ?? {};
    instance.env = { ...shared, ...own, ...extra, MODULES: instance.name, PORT: String(instance.port) };
    launch(instance);
  }
  const children = planned.map(({ child }) => child);

  const stop = async (signal = 'SIGTERM') => {
    stopping = true;
    await Promise.all(planned.map(({ child }) => exited(child, signal)));
  };
  /** Starts an instance (an entry of `instances`, or its label) again on its port with its env; kills it first if it runs. */
  const restart = async (which) => {
    const instance = planned.find((candidate) => candidate === which || candidate.label === which);
    if (!instance) throw new Error(`restart: no instance ${typeof which === 'string' ? which : which?.label}`);
    await exited(instance.child, 'SIGTERM');
    children[planned.indexOf(instance)] = launch(instance);
    await waitUntilReady(instance, readyTimeoutMs);
    return instance;
  };
  try {
    await Promise.all(planned.map((instance) => waitUntilReady(instance, readyTimeoutMs)));
  } catch (error) {
    await stop('SIGKILL');
    throw error;
  }
  return { urls, instances: planned, children, stop, restart, secret, moduleUrls };
}

/** Resolves once `child` has exited, sending it `signal` if it still runs. */
function exited(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill(signal);
  });
}

async function waitUntilReady({ label, url, child, stderrTail }, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const how = child.signalCode ?? `code ${child.exitCode}`;
      const tail = stderrTail ? await stderrTail.text() : '';
      throw new Error(`${label} exited with ${how} during startup${tail ? `; its last stderr lines:\n${tail}` : ''}`);
    }
    const ready = await fetch(`${url}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${label} was not ready within ${timeoutMs} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let split, env;
  try {
    let instances;
    ({ instances, env } = launcherOptions(process.argv.slice(2)));
    split = await startSplit({ basePort: Number(process.env.PORT ?? 3000), instances, env });
  } catch (error) {
    console.error(`start:split: ${error.message}`);
    process.exit(1);
  }
  console.log(`split mode ready (events on ${env.EVENT_BUS}): gateway ${split.urls.gateway}`);
  const shutdown = () => split.stop().then(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}
