import type { z } from 'zod';

/**
 * How an event's previous version becomes this one: the older definition (its schema reads what
 * may still wait in a queue) and the function that turns its payload into this version's input.
 */
export interface Upcaster {
  from: EventDefinition;
  upcast(payload: unknown): unknown;
}

/** An integration event as declared in its publisher's contract. */
export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  version: number;
  schema: S;
  /** Reads the previous version (and, through it, every older one). */
  upcaster?: Upcaster;
}

export type EventPayload<E extends EventDefinition> = z.output<E['schema']>;

/**
 * Declares an event once, in the publisher's contract; payloads are validated on publish and on
 * consume. A payload changes only with a new version (`npm run contracts:check` holds to this),
 * declared with an upcaster from the previous one, so a consumer reads every version still queued.
 */
export const defineEvent = <S extends z.ZodType>(
  name: string,
  version: number,
  schema: S,
  upcaster?: Upcaster,
): EventDefinition<S> => {
  if (upcaster && (upcaster.from.name !== name || upcaster.from.version !== version - 1))
    throw new Error(`${name} ${version}: the upcaster must read ${name} ${version - 1}`);
  return { name, version, schema, upcaster };
};

/** An upcaster from `older`, typed by its schema and the next version's input. */
export const upcastFrom = <O extends z.ZodType, N extends z.ZodType = z.ZodType>(
  older: EventDefinition<O>,
  upcast: (payload: z.output<O>) => z.input<N>,
): Upcaster => ({ from: older, upcast: (payload) => upcast(payload as z.output<O>) });

/** The event and each of its older versions, newest first. */
export function eventVersions(event: EventDefinition): EventDefinition[] {
  return event.upcaster ? [event, ...eventVersions(event.upcaster.from)] : [event];
}

/**
 * A delivered payload in the shape `event` (the consumer's version) declares, or a failure saying
 * why not. An older version is read with its own schema and upcast step by step; a newer one is read
 * with this version's schema (a tolerant reader: fields it does not know are dropped) and fails when
 * it does not fit. Unknown fields are ignored at every version.
 */
export function readEventPayload<S extends z.ZodType>(
  event: EventDefinition<S>,
  version: number,
  payload: unknown,
): z.ZodSafeParseResult<z.output<S>> {
  const older = event.upcaster;
  if (version >= event.version || !older) return event.schema.safeParse(payload);
  const previous = readEventPayload(older.from, version, payload);
  // A failure is about the older payload; its error names that payload's fields.
  return previous.success
    ? event.schema.safeParse(older.upcast(previous.data))
    : (previous as z.ZodSafeParseError<z.output<S>>);
}

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
