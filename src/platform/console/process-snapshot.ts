import type { Registry } from 'prom-client';
import type { EventBusKind } from '../kernel/event-bus-env.js';

/** The calls of one (caller, callee, operation, transport, outcome) as one process counted them. */
export interface CallSeries {
  caller: string;
  callee: string;
  operation: string;
  transport: string;
  outcome: string;
  count: number;
  /** Cumulative histogram buckets `[upper bound in seconds, calls at or under it]`, finite bounds only. */
  buckets: [number, number][];
}

export type BreakerState = 'closed' | 'half-open' | 'open';

/** What one process reports of itself to the console: its identity and its counters as they are now. */
export interface ProcessSnapshot {
  /** `service.name` of the process (`shop`, `shop-orders`, `shop-gateway`). */
  service: string;
  /** The modules it hosts (empty for the gateway). */
  modules: string[];
  bus: EventBusKind | 'none';
  calls: CallSeries[];
  /** One per instance this process calls: `dependency` is `<module> <url>` (`gateway:<module> <url>` at the gateway). */
  breakers: { dependency: string; state: BreakerState }[];
  outbox: { module: string; backlog: number; oldestAgeSeconds: number }[];
  /** Deliveries given up after their last retry since the process started, by consuming module and event. */
  deadLetters: { module: string; event: string; count: number }[];
  /** BullMQ jobs of each hosted consumer's queue (none with the in-process bus). */
  queues: QueueDepth[];
}

export interface QueueDepth {
  module: string;
  waiting: number;
  active: number;
  delayed: number;
  /** Jobs that exhausted their retries: the bus's dead letters. */
  failed: number;
  error?: string;
}

type Value = { value: number; labels: Record<string, string | number | undefined>; metricName?: string };
type Metric = { name: string; values: Value[] };

const STATES: Record<number, BreakerState> = { 0: 'closed', 1: 'half-open', 2: 'open' };
const label = (value: Value, name: string) => String(value.labels[name] ?? '');

/** The console's reading of this process's own Prometheus registry: the same numbers /metrics exports. */
export async function readRegistry(
  registry: Registry,
): Promise<Pick<ProcessSnapshot, 'calls' | 'breakers' | 'outbox' | 'deadLetters'>> {
  const metrics = new Map(((await registry.getMetricsAsJSON()) as Metric[]).map((metric) => [metric.name, metric]));
  const values = (name: string) => metrics.get(name)?.values ?? [];
  const oldest = new Map(values('outbox_oldest_age_seconds').map((v) => [label(v, 'module'), v.value]));
  return {
    calls: callSeries(values('shop_operation_duration_seconds')),
    breakers: values('circuit_breaker_state').map((v) => ({
      dependency: label(v, 'dependency'),
      state: STATES[v.value] ?? 'closed',
    })),
    outbox: values('outbox_backlog').map((v) => ({
      module: label(v, 'module'),
      backlog: v.value,
      oldestAgeSeconds: oldest.get(label(v, 'module')) ?? 0,
    })),
    deadLetters: values('events_dead_lettered_total')
      .filter((v) => v.value > 0)
      .map((v) => ({ module: label(v, 'module'), event: label(v, 'event'), count: v.value })),
  };
}

const SERIES_LABELS = ['caller', 'callee', 'operation', 'transport', 'outcome'] as const;

/** The histogram's `_bucket` values grouped into one series per label set. */
function callSeries(values: Value[]): CallSeries[] {
  const series = new Map<string, CallSeries>();
  for (const value of values) {
    if (!value.metricName?.endsWith('_bucket')) continue;
    const [caller, callee, operation, transport, outcome] = SERIES_LABELS.map((name) => label(value, name));
    const key = [caller, callee, operation, transport, outcome].join('\u0000');
    let entry = series.get(key);
    if (!entry) {
      entry = { caller, callee, operation, transport, outcome, count: 0, buckets: [] };
      series.set(key, entry);
    }
    // +Inf is the count (and would not survive JSON): only the finite bounds are kept as buckets.
    if (value.labels.le === '+Inf') entry.count = value.value;
    else entry.buckets.push([Number(value.labels.le), value.value]);
  }
  for (const entry of series.values()) entry.buckets.sort((a, b) => a[0] - b[0]);
  return [...series.values()].filter((entry) => entry.count > 0);
}
