// npm run bench — loads POST /api/v1/orders with autocannon and checks that the books balance once
// the shop has settled. The figures that matter are ratios within one run:
//   default      the monolith (SQLite, in-process bus) against the flat yardstick in bench/flat-checkout.mjs;
//   --split      the monolith against split mode (six processes, through the gateway, BullMQ on
//                Redis), alternating BENCH_ROUNDS times, with CPU per checkout summed over every
//                process and each process's RSS after the load.
//   --split --bus rabbitmq   split mode on BullMQ against split mode on RabbitMQ (bench/bus-compare.mjs).
//   --tracing    the monolith with tracing off (OTEL_SDK_DISABLED=true: ids and propagation only), on
//                without an exporter (spans recorded, kept in the trace store), and on exporting OTLP
//                to a local receiver (bench/otlp-sink.mjs), alternating BENCH_ROUNDS times; the cost of
//                tracing is the throughput lost against off.
//   --catalog-scale N   loads N products (default 1,000,000) through the batch route into a monolith on
//                SQLite, then on PostgreSQL, and prints search latencies (bench/catalog-scale.mjs).
//   --soak M     M minutes of steady checkouts, searches and reads against the monolith with short
//                retentions, printing a row per minute (bench/soak.mjs).
// BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_DURATION (s), BENCH_WARMUP (s of unmeasured load first, 3)
// and BENCH_PROFILE (a directory) tune it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startOtlpSink } from './otlp-sink.mjs';
import { startSplit } from '../deploy/split.mjs';
import { measured } from './process-stats.mjs';
import { busRun, lagBuckets, lagQuantileMs, reportBuses } from './bus-compare.mjs';
import {
  ADMIN,
  CONNECTIONS,
  DURATION_S,
  PRODUCTS,
  STOCK,
  USERS,
  WARMUP_S,
  checkShop,
  load,
  seedShop,
  summary,
  waitUntilReady,
} from './shop-load.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
/** BENCH_PROFILE=<dir>: every shop process writes a V8 CPU profile there when it stops. */
const NODE_ARGS = process.env.BENCH_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`]
  : [];
/** Events of the last checkouts (payments, notifications) are still being handled when the load stops. */
const TAIL_MS = 2000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const freePort = () => 10000 + Math.floor(Math.random() * 20000); // below the ephemeral port range
const shopEnv = (dataDir) => ({
  DATA_DIR: dataDir,
  LOG_LEVEL: 'warn',
  SEED_DEMO_CATALOG: 'false',
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  DATABASE_URL: '',
  // The load comes from one address, thousands of requests a minute: the edge limit would refuse most.
  RATE_LIMIT_PER_MINUTE: '0',
});

function spawnNode(args, env) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const nextLine = () => new Promise((resolve) => lines.once('line', resolve));
  const stop = () =>
    new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
    });
  return { child, nextLine, stop };
}

/** Seeds the shop at `url`, loads it, and checks its books; CPU and RSS are read for `pids`, the event lag from `lagUrls`. */
async function benchCheckouts(url, pids, lagUrls = []) {
  const { admin, tokens, productIds } = await seedShop(url);
  if (WARMUP_S > 0) await load(url, tokens, productIds, WARMUP_S);
  await sleep(TAIL_MS);
  const before = await lagBuckets(lagUrls);
  const { result, cpu, rss } = await measured(pids, async () => {
    const result = await load(url, tokens, productIds);
    await sleep(TAIL_MS);
    return result;
  });
  const after = await lagBuckets(lagUrls);
  const lag = { p50: lagQuantileMs(before, after, 0.5), p99: lagQuantileMs(before, after, 0.99) };
  return { result, cpu, rss, lag, verdict: await checkShop(url, admin, tokens, productIds) };
}

async function benchMonolith(dataDir, env = {}) {
  const port = freePort();
  const server = spawnNode([...NODE_ARGS, 'dist/main.js'], {
    ...shopEnv(dataDir),
    ...env,
    PORT: String(port),
    EVENT_BUS: 'memory',
    MODULES: 'all',
  });
  try {
    await waitUntilReady(`http://127.0.0.1:${port}`);
    return await benchCheckouts(`http://127.0.0.1:${port}`, { monolith: server.child.pid });
  } finally {
    await server.stop();
  }
}

/** Split mode on `bus`; the broker's CPU is measured too, apart from the shop's (`brokerCpu`). */
async function benchSplit(dataDir, bus = 'bullmq') {
  const run = busRun(bus);
  const split = await startSplit({
    basePort: freePort(),
    entry: [...NODE_ARGS, 'dist/main.js'],
    env: { ...shopEnv(dataDir), ...run.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const pids = Object.fromEntries(Object.keys(split.urls).map((name, i) => [name, split.children[i].pid]));
    const bench = await benchCheckouts(
      split.urls.gateway,
      { ...pids, broker: run.brokerPid },
      Object.values(split.urls),
    );
    const { broker, ...cpu } = bench.cpu;
    return { ...bench, cpu, brokerCpu: broker, seconds: DURATION_S + TAIL_MS / 1000 };
  } finally {
    await split.stop();
    await run.cleanup();
  }
}

async function compareBuses(dataDir) {
  const runs = { bullmq: [], rabbitmq: [] };
  for (let round = 0; round < ROUNDS; round++)
    for (const bus of Object.keys(runs)) runs[bus].push(await benchSplit(path.join(dataDir, `${bus}-${round}`), bus));
  reportBuses(runs, cpuPerCheckoutMs);
  return Object.values(runs).flatMap((list) => list.map((run) => run.verdict));
}

async function benchFlat(dataDir) {
  const server = spawnNode(['bench/flat-checkout.mjs'], {
    FLAT_DATA_DIR: dataDir,
    FLAT_PRODUCTS: String(PRODUCTS),
    FLAT_USERS: String(USERS),
    FLAT_STOCK: String(STOCK),
  });
  const { url, productIds, tokens } = JSON.parse(await server.nextLine());
  const result = await load(url, tokens, productIds);
  const report = server.nextLine();
  await server.stop();
  const { stock, confirmedUnits } = JSON.parse(await report);
  return { result, verdict: { ok: PRODUCTS * STOCK - stock === confirmedUnits, confirmedUnits } };
}

const cpuPerCheckoutMs = (run) =>
  (Object.values(run.cpu).reduce((sum, seconds) => sum + seconds, 0) * 1000) / run.result['2xx'];

function row(run) {
  return { ...summary(run.result), 'cpu ms/checkout': Number(cpuPerCheckoutMs(run).toFixed(2)) };
}

async function compareWithFlat(dataDir) {
  const shop = await benchMonolith(path.join(dataDir, 'shop'));
  const flat = await benchFlat(dataDir);
  console.table({ 'modular shop': row(shop), 'flat yardstick': summary(flat.result) });
  const ratio = shop.result.requests.average / flat.result.requests.average;
  console.log(`throughput ratio shop/flat: ${ratio.toFixed(2)}`);
  return [shop.verdict, flat.verdict];
}

async function compareWithSplit(dataDir) {
  const runs = { monolith: [], split: [] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.monolith.push(await benchMonolith(path.join(dataDir, `monolith-${round}`)));
    runs.split.push(await benchSplit(path.join(dataDir, `split-${round}`)));
  }
  const table = {};
  for (const [mode, list] of Object.entries(runs)) list.forEach((run, i) => (table[`${mode} #${i + 1}`] = row(run)));
  console.table(table);
  const mean = (list, f) => list.reduce((sum, run) => sum + f(run), 0) / list.length;
  const throughput = (run) => run.result.requests.average;
  console.log(
    `throughput ratio split/monolith: ${(mean(runs.split, throughput) / mean(runs.monolith, throughput)).toFixed(2)}`,
  );
  console.log(
    `CPU per checkout ratio split/monolith: ${(mean(runs.split, cpuPerCheckoutMs) / mean(runs.monolith, cpuPerCheckoutMs)).toFixed(2)}`,
  );
  const last = runs.split.at(-1);
  const perProcess = {};
  for (const name of Object.keys(last.cpu))
    perProcess[name] = {
      'cpu ms/checkout': Number(((last.cpu[name] * 1000) / last.result['2xx']).toFixed(2)),
      'rss MB': last.rss[name],
    };
  perProcess.monolith = {
    'cpu ms/checkout': Number(cpuPerCheckoutMs(runs.monolith.at(-1)).toFixed(2)),
    'rss MB': runs.monolith.at(-1).rss.monolith,
  };
  console.table(perProcess);
  return [...runs.monolith, ...runs.split].map((run) => run.verdict);
}

async function compareTracing(dataDir) {
  const sink = await startOtlpSink();
  const modes = {
    'tracing off': { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    'on, no exporter': { OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: '' },
    'on, exporting': { OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: sink.url },
  };
  const runs = Object.fromEntries(Object.keys(modes).map((mode) => [mode, []]));
  try {
    for (let round = 0; round < ROUNDS; round++)
      for (const [mode, env] of Object.entries(modes))
        runs[mode].push(await benchMonolith(path.join(dataDir, `${mode.replace(/\W+/g, '-')}-${round}`), env));
  } finally {
    await sink.stop();
  }
  const table = {};
  for (const [mode, list] of Object.entries(runs)) list.forEach((run, i) => (table[`${mode} #${i + 1}`] = row(run)));
  console.table(table);
  const mean = (list) => list.reduce((sum, run) => sum + run.result.requests.average, 0) / list.length;
  const off = mean(runs['tracing off']);
  for (const mode of ['on, no exporter', 'on, exporting'])
    console.log(
      `${mode}: ${mean(runs[mode]).toFixed(0)} req/s, ${((1 - mean(runs[mode]) / off) * 100).toFixed(1)} % below off (${off.toFixed(0)} req/s)`,
    );
  console.log(`the receiver got ${sink.requests()} OTLP export requests (${(sink.bytes() / 1e6).toFixed(1)} MB)`);
  return Object.values(runs).flatMap((list) => list.map((run) => run.verdict));
}

const valueOf = (flag) => process.argv[process.argv.indexOf(flag) + 1];
if (process.argv.includes('--catalog-scale')) {
  const { benchCatalogScale } = await import('./catalog-scale.mjs');
  await benchCatalogScale(Number(valueOf('--catalog-scale') ?? 1_000_000) || 1_000_000);
} else if (process.argv.includes('--soak')) {
  const { soak } = await import('./soak.mjs');
  await soak(Number(valueOf('--soak')) || 10);
} else await benchCheckoutRatios();

async function benchCheckoutRatios() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-bench-'));
  try {
    console.log(
      `checkout benchmark: ${CONNECTIONS} connections, ${DURATION_S} s, 2 lines per order, a distinct Idempotency-Key per request`,
    );
    const bus = valueOf('--bus');
    const verdicts = process.argv.includes('--split')
      ? bus === 'rabbitmq'
        ? await compareBuses(dataDir)
        : await compareWithSplit(dataDir)
      : process.argv.includes('--tracing')
        ? await compareTracing(dataDir)
        : await compareWithFlat(dataDir);
    for (const verdict of verdicts)
      console.log(`consistency: ${verdict.ok ? 'OK' : 'BROKEN'} ${JSON.stringify(verdict)}`);
    if (verdicts.some((verdict) => !verdict.ok)) process.exitCode = 1;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
