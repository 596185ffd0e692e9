import type { z } from 'zod';

/** An integration event as declared in its publisher's contract. */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  version: number;
  schema: S;
}

export type EventPayload<E extends EventDefinition> = z.output<E['schema']>;

/** Declares an event once, in the publisher's contract; payloads are validated on publish and on consume. */
export const defineEvent = <S extends z.ZodType>(name: string, version: number, schema: S): EventDefinition<S> => ({
  name,
  version,
  schema,
});

/**
 * An event to publish together with a state change, as a use case hands it to its repository, which
 * publishes it in the transaction of that change (`tx.publish(event, payload)`).
 */
export interface PendingEvent {
  event: EventDefinition;
  payload: unknown;
}

/** What travels on the bus: the payload plus identity, provenance and trace context. */
export interface EventEnvelope<T = unknown> {
  id: string;
  name: string;
  version: number;
  /** Publishing module. */
  source: string;
  occurredAt: string;
  payload: T;
  traceparent?: string;
  requestId?: string;
}
