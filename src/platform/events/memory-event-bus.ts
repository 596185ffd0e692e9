import type { Histogram } from 'prom-client';
import type { Metrics } from '../telemetry/metrics.js';
import type { Logger } from '../kernel/logger.js';
import type { EventEnvelope } from '../kernel/event.js';
import {
  EventDeliveryError,
  type ConsumerFailure,
  type EventBus,
  type EventHandler,
  type EventRouting,
} from './event-bus.js';
import { consumeEvent, runInEventContext } from './event-context.js';
import { busLagHistogram } from './event-metrics.js';

export interface MemoryEventBusOptions {
  /** Handlers running at once per consuming module; default 10. */
  concurrency?: number;
}

interface Delivery {
  envelope: EventEnvelope;
  resolve(): void;
  reject(error: unknown): void;
}

interface Consumer {
  module: string;
  handler?: EventHandler;
  queue: Delivery[];
  active: number;
}

/**
 * In-process event bus for the monolith. publish() resolves only once every consuming module's
 * handler has completed, so the outbox row stays pending (and is republished after a crash, a
 * failure or a shutdown) until the event's effects are committed: this bus holds nothing that the
 * outbox does not also hold, and keeps no retry state of its own (the relay retries the row).
 *
 * Each consuming module has its own queue and concurrency limit, so one slow or failing consumer
 * never holds up another. Deliveries published before a module calls consume() wait for it.
 */
export class MemoryEventBus implements EventBus {
  private readonly consumers = new Map<string, Consumer>();
  private readonly running = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly lag: Histogram;
  private closed = false;

  constructor(
    private readonly routing: EventRouting,
    private readonly logger: Logger,
    metrics: Metrics,
    options: MemoryEventBusOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 10;
    this.lag = busLagHistogram(metrics.registry);
  }

  /**
   * Delivers a copy of the event to every consuming module and resolves once all their handlers
   * succeeded; rejects with an {@link EventDeliveryError} naming the modules that failed (after every
   * consumer was attempted). Handlers run later, never in this call stack.
   */
  async publish(envelope: EventEnvelope): Promise<void> {
    if (this.closed) throw new Error('MemoryEventBus is closed');
    const modules = this.routing.get(envelope.name) ?? [];
    // A JSON copy per consumer: same semantics as a serializing bus, and no consumer sees another's mutations.
    const outcomes = await Promise.allSettled(
      modules.map((module) => this.deliver(module, JSON.parse(JSON.stringify(envelope)) as EventEnvelope)),
    );
    const failures: ConsumerFailure[] = [];
    outcomes.forEach(
      (outcome, i) => outcome.status === 'rejected' && failures.push({ module: modules[i], error: outcome.reason }),
    );
    if (failures.length > 0) throw new EventDeliveryError(envelope, failures);
  }

  async consume(module: string, handler: EventHandler): Promise<void> {
    const consumer = this.consumer(module);
    if (consumer.handler) throw new Error(`MemoryEventBus: module "${module}" already consumes`);
    consumer.handler = handler;
    this.schedule(consumer);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('MemoryEventBus is closed');
  }

  /**
   * Waits for running handlers. Deliveries not started yet are refused (their publish rejects), so
   * their outbox rows stay pending and are published again at the next start.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const consumer of this.consumers.values()) {
      for (const delivery of consumer.queue.splice(0))
        delivery.reject(new Error('MemoryEventBus closed before delivery'));
    }
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private consumer(module: string): Consumer {
    let consumer = this.consumers.get(module);
    if (!consumer) {
      consumer = { module, queue: [], active: 0 };
      this.consumers.set(module, consumer);
    }
    return consumer;
  }

  private deliver(module: string, envelope: EventEnvelope): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const consumer = this.consumer(module);
      consumer.queue.push({ envelope, resolve, reject });
      this.schedule(consumer);
    });
  }

  // Handlers start from a fresh macrotask: never in the publisher's call stack (nor its transaction).
  private schedule(consumer: Consumer): void {
    setImmediate(() => this.pump(consumer));
  }

  private pump(consumer: Consumer): void {
    while (!this.closed && consumer.handler && consumer.active < this.concurrency && consumer.queue.length > 0) {
      const delivery = consumer.queue.shift()!;
      consumer.active += 1;
      const run = this.run(consumer, consumer.handler, delivery).finally(() => {
        consumer.active -= 1;
        this.running.delete(run);
        this.pump(consumer);
      });
      this.running.add(run);
    }
  }

  private async run(consumer: Consumer, handler: EventHandler, { envelope, resolve, reject }: Delivery): Promise<void> {
    try {
      await consumeEvent(envelope, consumer.module, this.lag, async () => handler(envelope));
      resolve();
    } catch (error) {
      runInEventContext(envelope, () =>
        this.logger.warn(
          { err: error, module: consumer.module, event: envelope.name, eventId: envelope.id },
          'event delivery failed; the outbox will retry it',
        ),
      );
      reject(error);
    }
  }
}
