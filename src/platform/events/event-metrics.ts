import { Counter, Gauge, type Registry } from 'prom-client';

// Several buses/relays may share one registry (tests, several modules per process): reuse a metric
// instead of failing on a duplicate registration.
function counter(registry: Registry, name: string, help: string, labelNames: string[]): Counter {
  return (
    (registry.getSingleMetric(name) as Counter | undefined) ??
    new Counter({ name, help, labelNames, registers: [registry] })
  );
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge {
  return (
    (registry.getSingleMetric(name) as Gauge | undefined) ??
    new Gauge({ name, help, labelNames, registers: [registry] })
  );
}

/** Counts deliveries given up after their last attempt, per consuming module and event name. */
export const deadLetterCounter = (registry: Registry): Counter =>
  counter(registry, 'events_dead_lettered_total', 'Event deliveries abandoned after the last retry', [
    'module',
    'event',
  ]);

/** Counts outbox rows handed to the bus, per publishing module. */
export const outboxPublishedCounter = (registry: Registry): Counter =>
  counter(registry, 'outbox_published_total', 'Outbox events published to the event bus', ['module']);

/** Rows still waiting in a module's outbox, as last seen by its relay. */
export const outboxBacklogGauge = (registry: Registry): Gauge =>
  gauge(registry, 'outbox_backlog', 'Outbox events not yet published', ['module']);
