// The split launcher's command line: which instances to run and which bus carries the events.
import { parseArgs } from 'node:util';

/** `catalog=2,orders=2` → `{ catalog: 2, orders: 2 }`; throws one clear line on anything else. */
export function parseReplicas(text = '') {
  const counts = {};
  for (const part of text.split(',').filter((item) => item.trim() !== '')) {
    const match = /^\s*([a-z]+)\s*=\s*(\d+)\s*$/.exec(part);
    if (!match) throw new Error(`replicas: expected name=count (e.g. catalog=2,orders=2), got "${part}"`);
    counts[match[1]] = Number(match[2]);
  }
  return counts;
}

const BUSES = ['bullmq', 'rabbitmq'];

/**
 * The launcher's arguments: `--replicas catalog=2,orders=2` (else SPLIT_REPLICAS) and `--bus bullmq|rabbitmq`
 * (else EVENT_BUS, else bullmq) → `{ instances, env }` for startSplit; one clear line on anything else.
 */
export function launcherOptions(args, environment = process.env) {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { replicas: { type: 'string' }, bus: { type: 'string' } } }));
  } catch (error) {
    throw new Error(`${error.message} (usage: [--replicas catalog=2,orders=2] [--bus bullmq|rabbitmq])`);
  }
  const bus = values.bus ?? environment.EVENT_BUS ?? 'bullmq';
  if (!BUSES.includes(bus))
    throw new Error(`--bus: "${bus}" cannot carry events between processes (one of ${BUSES.join(', ')})`);
  return { instances: parseReplicas(values.replicas ?? environment.SPLIT_REPLICAS), env: { EVENT_BUS: bus } };
}
