// npm run bench -- --split --bus rabbitmq: split mode with BullMQ on Redis against split mode with
// RabbitMQ, alternating BENCH_ROUNDS times: checkouts/s, the event lag (an event's outbox commit to
// its consumer starting on it: shop_event_bus_lag_seconds of every process, during the measured load
// only), and CPU per checkout of the shop's processes and of the broker (redis-server, or RabbitMQ's
// beam.smp). The brokers are the machine's shared ones: other users' load shows in their CPU.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Connection } from 'rabbitmq-client';
import { MODULES } from '../dist/main.js';
import { topologyOf } from '../dist/platform/events/rabbitmq-topology.js';
import { eventRouting } from '../dist/platform/process/event-wiring.js';
import { deleteRedisKeys } from './shop-load.mjs';

const RABBITMQ_URL = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const LAG_METRIC = 'shop_event_bus_lag_seconds_bucket';

/** The pid of the broker's process, for its CPU time. */
const brokerPid = (bus) => Number(execFileSync('pidof', ['-s', bus === 'bullmq' ? 'redis-server' : 'beam.smp']));

/** The environment of a split run on `bus` under a fresh prefix, and what removes its traces after. */
export function busRun(bus) {
  const prefix = `bench-${randomBytes(4).toString('hex')}`;
  const env = { BULLMQ_PREFIX: prefix, EVENT_BUS: bus, RABBITMQ_PREFIX: prefix };
  const cleanup = async () => {
    await deleteRedisKeys(`${prefix}:*`);
    if (bus === 'rabbitmq') await deleteRabbitmqTopology(prefix);
  };
  return { env, cleanup, brokerPid: brokerPid(bus) };
}

async function deleteRabbitmqTopology(prefix) {
  const { exchanges, queues } = topologyOf(prefix, eventRouting(MODULES), 1);
  const connection = new Connection(RABBITMQ_URL);
  try {
    for (const { queue } of queues) await connection.queueDelete({ queue });
    for (const { exchange } of exchanges) await connection.exchangeDelete({ exchange });
  } finally {
    await connection.close();
  }
}

/** Every process's lag histogram summed: upper bound → events at or under it (cumulative). */
export async function lagBuckets(urls) {
  const buckets = new Map();
  for (const url of urls) {
    const text = await (await fetch(`${url}/metrics`)).text();
    for (const line of text.split('\n')) {
      if (!line.startsWith(LAG_METRIC)) continue;
      const le = /le="([^"]+)"/.exec(line)[1];
      buckets.set(le, (buckets.get(le) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
  }
  return buckets;
}

/** The q-quantile (in ms) of the events observed between two readings, interpolated within its bucket. */
export function lagQuantileMs(before, after, q) {
  const bounds = [...after.keys()].filter((le) => le !== '+Inf').sort((a, b) => Number(a) - Number(b));
  const count = (le) => (after.get(le) ?? 0) - (before.get(le) ?? 0);
  const total = count('+Inf');
  if (total === 0) return NaN;
  let lower = 0;
  let below = 0;
  for (const le of bounds) {
    const upTo = count(le);
    if (upTo >= q * total) return 1000 * (lower + ((Number(le) - lower) * (q * total - below)) / (upTo - below || 1));
    lower = Number(le);
    below = upTo;
  }
  return Infinity; // beyond the last finite bucket
}

/** The table of the rounds, and the means the README quotes. */
export function reportBuses(runs, cpuPerCheckoutMs) {
  const table = {};
  for (const [bus, list] of Object.entries(runs))
    list.forEach((run, i) => {
      const checkouts = run.result['2xx'];
      table[`${bus} #${i + 1}`] = {
        'checkouts/s': Math.round(run.result.requests.average),
        'lag p50 ms': Number(run.lag.p50.toFixed(1)),
        'lag p99 ms': Number(run.lag.p99.toFixed(1)),
        'shop cpu ms/checkout': Number(cpuPerCheckoutMs(run).toFixed(2)),
        'broker cpu ms/checkout': Number(((run.brokerCpu * 1000) / checkouts).toFixed(2)),
        'broker cpu %': Number(((run.brokerCpu / run.seconds) * 100).toFixed(0)),
      };
    });
  console.table(table);
  const mean = (list, f) => list.reduce((sum, run) => sum + f(run), 0) / list.length;
  const throughput = (run) => run.result.requests.average;
  console.log(
    `throughput ratio rabbitmq/bullmq: ${(mean(runs.rabbitmq, throughput) / mean(runs.bullmq, throughput)).toFixed(2)}`,
  );
}
