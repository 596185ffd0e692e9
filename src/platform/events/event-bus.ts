import type { EventEnvelope } from '../kernel/event.js';

/** Handles one delivery; rejecting asks for the event to be delivered again later (with backoff). */
export type EventHandler = (envelope: EventEnvelope) => Promise<void>;

/**
 * Carries events from publishing modules' outboxes to consuming modules. Delivery is at least
 * once; consumers make it exactly-once in effect through their inbox.
 */
export interface EventBus {
  /**
   * Hands the event to every module that subscribes to its name (per the routing table) and
   * resolves once the event is durably accepted, i.e. once the outbox row may be marked dispatched:
   * - BullMQ: a job per consuming module is stored in Redis (its retries are BullMQ's business);
   * - memory: every consuming module's handler has completed successfully. Handlers still run
   *   asynchronously (never in the caller's call stack), concurrently per consuming module; one
   *   consumer failing does not stop the others from being attempted, and publish then rejects with
   *   an {@link EventDeliveryError}. The outbox row is the retry state: the relay publishes the event
   *   again later, and consumers that had already succeeded see it again (their inbox makes that harmless).
   * A rejection never means "not delivered anywhere", only "not accepted as a whole": publish again.
   */
  publish(envelope: EventEnvelope): Promise<void>;
  /** Starts delivering the events routed to `module` to `handler`. */
  consume(module: string, handler: EventHandler): Promise<void>;
  /** Resolves when the bus can accept events (readiness check); the relay also uses it to tell "bus down" from "consumer failed". */
  ping(): Promise<void>;
  /** Stops consuming after in-flight handlers finish, then releases connections. */
  close(): Promise<void>;
  /** A consuming module's queue, for buses that count it on their own connection (RabbitMQ), for the console. */
  queueCounts?(module: string): Promise<QueueCounts>;
}

/** A consuming module's queue: events waiting, being handled, waiting for a retry, and dead-lettered. */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/** Event name → the modules that consume it, derived from every module definition. */
export type EventRouting = Map<string, string[]>;

/** One consuming module whose handler rejected a delivery. */
export interface ConsumerFailure {
  module: string;
  error: unknown;
}

/** Publish rejected because at least one consuming module's handler failed (in-process delivery). */
export class EventDeliveryError extends Error {
  constructor(
    readonly envelope: Pick<EventEnvelope, 'id' | 'name'>,
    readonly failures: ConsumerFailure[],
  ) {
    const reasons = failures.map(
      ({ module, error }) => `${module}: ${error instanceof Error ? error.message : String(error)}`,
    );
    super(`event ${envelope.name} ${envelope.id} failed in ${reasons.join('; ')}`, { cause: failures[0]?.error });
    this.name = 'EventDeliveryError';
  }

  /** The consuming modules that failed. */
  get modules(): string[] {
    return this.failures.map((failure) => failure.module);
  }
}
