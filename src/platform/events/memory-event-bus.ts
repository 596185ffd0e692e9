import type { Counter } from 'prom-client';
import type { Metrics } from '../http/metrics.js';
import type { Logger } from '../logger.js';
import type { EventEnvelope } from './event.js';
import type { EventBus, EventHandler, EventRouting } from './event-bus.js';
import { runInEventContext } from './event-context.js';
import { deadLetterCounter } from './event-metrics.js';

export interface MemoryEventBusOptions {
  /** Delay before retry n is `retryDelaysMs[n - 1]` (the last value repeats); default 100 ms doubling, capped at 30 s. */
  retryDelaysMs?: number[];
  /** Deliveries tried per consumer before the event is dead-lettered; default 10. */
  maxAttempts?: number;
  /** Handlers running at once per consuming module; default 10. */
  concurrency?: number;
}

interface Delivery {
  envelope: EventEnvelope;
  attempt: number;
}

interface Consumer {
  module: string;
  handler?: EventHandler;
  queue: Delivery[];
  active: number;
}

const defaultDelay = (attempt: number) => Math.min(100 * 2 ** (attempt - 1), 30_000);

/**
 * In-process event bus for the monolith. Each consuming module has its own queue, so one
 * consumer's failures and retries never hold up another. Events published before a module calls
 * consume() wait for it. Nothing survives the process: durability comes from the outbox upstream.
 */
export class MemoryEventBus implements EventBus {
  private readonly consumers = new Map<string, Consumer>();
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly deadLettered: Counter;
  private readonly maxAttempts: number;
  private readonly concurrency: number;
  private closed = false;

  constructor(
    private readonly routing: EventRouting,
    private readonly logger: Logger,
    metrics: Metrics,
    private readonly options: MemoryEventBusOptions = {},
  ) {
    this.deadLettered = deadLetterCounter(metrics.registry);
    this.maxAttempts = options.maxAttempts ?? 10;
    this.concurrency = options.concurrency ?? 10;
  }

  /** Enqueues a copy of the event for every consuming module; handlers run later, never in this call stack. */
  async publish(envelope: EventEnvelope): Promise<void> {
    if (this.closed) throw new Error('MemoryEventBus is closed');
    for (const module of this.routing.get(envelope.name) ?? []) {
      // A JSON copy per consumer: same semantics as a serializing bus, and no consumer sees another's mutations.
      this.enqueue(this.consumer(module), { envelope: JSON.parse(JSON.stringify(envelope)) as EventEnvelope, attempt: 1 });
    }
  }

  async consume(module: string, handler: EventHandler): Promise<void> {
    const consumer = this.consumer(module);
    if (consumer.handler) throw new Error(`MemoryEventBus: module "${module}" already consumes`);
    consumer.handler = handler;
    this.pump(consumer);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('MemoryEventBus is closed');
  }

  /** Stops scheduling (pending retries are dropped) and waits for running handlers. */
  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
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

  private enqueue(consumer: Consumer, delivery: Delivery, delayMs = 0): void {
    // Even without delay, a timer keeps delivery out of the publisher's call stack (and its transaction).
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      consumer.queue.push(delivery);
      this.pump(consumer);
    }, delayMs);
    this.timers.add(timer);
  }

  private pump(consumer: Consumer): void {
    while (!this.closed && consumer.handler && consumer.active < this.concurrency && consumer.queue.length > 0) {
      const delivery = consumer.queue.shift()!;
      consumer.active += 1;
      const run = this.deliver(consumer, consumer.handler, delivery).finally(() => {
        consumer.active -= 1;
        this.running.delete(run);
        this.pump(consumer);
      });
      this.running.add(run);
    }
  }

  private async deliver(consumer: Consumer, handler: EventHandler, { envelope, attempt }: Delivery): Promise<void> {
    await runInEventContext(envelope, async () => {
      try {
        await handler(envelope);
      } catch (error) {
        const fields = { err: error, module: consumer.module, event: envelope.name, eventId: envelope.id, attempt };
        if (attempt >= this.maxAttempts) {
          this.deadLettered.inc({ module: consumer.module, event: envelope.name });
          this.logger.error(fields, 'event dead-lettered: delivery failed on its last attempt');
          return;
        }
        this.logger.warn(fields, 'event delivery failed; will retry');
        if (!this.closed) this.enqueue(consumer, { envelope, attempt: attempt + 1 }, this.retryDelay(attempt));
      }
    });
  }

  private retryDelay(attempt: number): number {
    const delays = this.options.retryDelaysMs;
    if (!delays || delays.length === 0) return defaultDelay(attempt);
    return delays[Math.min(attempt, delays.length) - 1];
  }
}
