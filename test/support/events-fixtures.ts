import { z } from 'zod';
import { createMetrics } from '../../src/platform/telemetry/metrics.js';
import { createLogger, type Logger } from '../../src/platform/kernel/logger.js';
import { defineEvent, type EventEnvelope } from '../../src/platform/kernel/event.js';
import type { EventRouting } from '../../src/platform/events/event-bus.js';

/** The event most event tests publish. */
export const thingHappened = defineEvent('thing.happened', 1, z.object({ n: z.number().int() }));

/** A logger whose JSON lines are kept in `lines`, for asserting what was logged. */
export function captureLogger(level = 'info'): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger(level, {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { logger, lines };
}

export const testMetrics = () => createMetrics();

export const routing = (entries: Record<string, string[]>): EventRouting => new Map(Object.entries(entries));

let counter = 0;

/** An envelope of {@link thingHappened} with a fresh (or the given) id. */
export function envelope(
  n: number,
  id = `evt-${process.pid}-${Date.now()}-${counter++}`,
): EventEnvelope<{ n: number }> {
  return {
    id,
    name: thingHappened.name,
    version: 1,
    source: 'test',
    occurredAt: new Date().toISOString(),
    payload: { n },
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value of a counter/gauge with the given labels, read from a prom-client registry. */
export async function metricValue(
  metrics: ReturnType<typeof createMetrics>,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const match = values.find((value) =>
    Object.entries(labels).every(([key, expected]) => value.labels[key] === expected),
  );
  return match?.value ?? 0;
}

/** An EventBus double that counts publishes per event id and can be made to fail (`failing`: unreachable, ping fails too). */
export class RecordingBus {
  readonly published = new Map<string, number>();
  readonly envelopes: EventEnvelope[] = [];
  failing = false;

  constructor(private readonly delayMs = 0) {}

  async publish(event: EventEnvelope): Promise<void> {
    if (this.delayMs > 0) await sleep(this.delayMs);
    if (this.failing) throw new Error('bus down');
    this.published.set(event.id, (this.published.get(event.id) ?? 0) + 1);
    this.envelopes.push(event);
  }

  async consume(): Promise<void> {}
  async ping(): Promise<void> {
    if (this.failing) throw new Error('bus down');
  }
  async close(): Promise<void> {}
}
