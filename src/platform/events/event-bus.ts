import type { EventEnvelope } from './event.js';

/** Handles one delivery; rejecting asks the bus to deliver it again later (with backoff). */
export type EventHandler = (envelope: EventEnvelope) => Promise<void>;

/**
 * Carries events from publishing modules' outboxes to consuming modules. Delivery is at least
 * once; consumers make it exactly-once in effect through their inbox.
 */
export interface EventBus {
  /** Hands the event to every module that subscribes to its name (per the routing table). */
  publish(envelope: EventEnvelope): Promise<void>;
  /** Starts delivering the events routed to `module` to `handler`. */
  consume(module: string, handler: EventHandler): Promise<void>;
  /** Resolves when the bus can accept events (readiness check). */
  ping(): Promise<void>;
  /** Stops consuming after in-flight handlers finish, then releases connections. */
  close(): Promise<void>;
}

export const EVENT_BUS = Symbol('EVENT_BUS');

/** Event name → the modules that consume it, derived from every module definition. */
export type EventRouting = Map<string, string[]>;
