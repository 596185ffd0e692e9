import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/** One registry per process (a fresh one per test app), with the default process metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // prom-client exports these gauges twice, once with a `_total` suffix that Prometheus reserves for
  // counters (promtool check metrics refuses it); the unsuffixed ones remain.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'])
    registry.removeSingleMetric(name);
  const httpDuration = histogram(registry, {
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route template, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });
  return { registry, httpDuration };
}

export type Metrics = ReturnType<typeof createMetrics>;

type Unregistered<C> = Omit<C, 'registers'>;

/**
 * The series `name` of `registry`, made on first use. Several buses, relays, breakers or hosts of one
 * process (or one test) may share a registry, and prom-client refuses a second registration of a name.
 */
function existingOr<M>(registry: Registry, name: string, make: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? make();
}

export const counter = <T extends string>(registry: Registry, configuration: Unregistered<CounterConfiguration<T>>) =>
  existingOr(registry, configuration.name, () => new Counter<T>({ ...configuration, registers: [registry] }));

export const gauge = <T extends string>(registry: Registry, configuration: Unregistered<GaugeConfiguration<T>>) =>
  existingOr(registry, configuration.name, () => new Gauge<T>({ ...configuration, registers: [registry] }));

export const histogram = <T extends string>(
  registry: Registry,
  configuration: Unregistered<HistogramConfiguration<T>>,
) => existingOr(registry, configuration.name, () => new Histogram<T>({ ...configuration, registers: [registry] }));
