import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { counter as sharedCounter, gauge as sharedGauge, histogram } from '../telemetry/metrics.js';

const counter = (registry: Registry, name: string, help: string, labelNames: string[]): Counter =>
  sharedCounter(registry, { name, help, labelNames });

const gauge = (registry: Registry, name: string, help: string, labelNames: string[]): Gauge =>
  sharedGauge(registry, { name, help, labelNames });

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

/** Seconds since a module's oldest unpublished outbox row was written (0 when none waits). */
export const outboxOldestAgeGauge = (registry: Registry): Gauge =>
  gauge(registry, 'outbox_oldest_age_seconds', 'Age of the oldest outbox event not yet published', ['module']);

/**
 * Seconds from an event's outbox write to its consumer starting on it: the outbox wait, the relay and
 * the bus together, per consuming module and event name, the same in both modes.
 */
export const busLagHistogram = (registry: Registry): Histogram =>
  histogram(registry, {
    name: 'shop_event_bus_lag_seconds',
    help: 'Time from an event being written to its outbox to a consumer starting on it',
    labelNames: ['module', 'event'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  });
