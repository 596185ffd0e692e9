import type { Channel, Cmd, MethodParams } from 'rabbitmq-client';
import type { EventRouting } from './event-bus.js';

type ExchangeDeclaration = MethodParams[Cmd.ExchangeDeclare];
type QueueDeclaration = MethodParams[Cmd.QueueDeclare];
type Binding = MethodParams[Cmd.QueueBind];

/** Exchanges, queues and bindings, declared together (every declaration is idempotent). */
export interface Topology {
  exchanges: ExchangeDeclaration[];
  queues: QueueDeclaration[];
  queueBindings: Binding[];
}

/**
 * The durable direct exchange of one event name: each subscribing module's queue is bound to it with
 * the module's name as routing key, and a publisher sends one copy per module, so the broker's
 * return of an unroutable (mandatory) message names the one module whose queue or binding is missing.
 */
export const eventExchange = (prefix: string, event: string): string => `${prefix}.event.${event}`;
/** A consuming module's queue: every event it subscribes to, one delivery per event for all its instances. */
export const moduleQueue = (prefix: string, module: string): string => `${prefix}.${module}`;
/** A module's dead-letter exchange and the queue bound to it (same name: exchanges and queues are apart). */
export const deadLetterName = (prefix: string, module: string): string => `${prefix}.${module}.dead-letter`;

const durable = (exchange: string, type: 'direct' | 'fanout'): ExchangeDeclaration => ({
  exchange,
  type,
  durable: true,
});

/**
 * A module's queue declaration. A quorum queue (Raft-replicated on a cluster) whose broker gives up
 * on a message after `attempts` deliveries, dead-lettering it at least once (kept until the
 * dead-letter queue confirmed it; at-least-once needs reject-publish overflow, and there is no length
 * limit, so nothing is ever refused for it). Declaring an existing queue with other arguments fails:
 * changing `attempts` means deleting the queue first.
 */
export const moduleQueueDeclaration = (prefix: string, module: string, attempts: number): QueueDeclaration => ({
  queue: moduleQueue(prefix, module),
  durable: true,
  arguments: {
    'x-queue-type': 'quorum',
    // The broker counts every delivery that ended without an ack (a nack, a crash, a dropped connection).
    'x-delivery-limit': attempts - 1,
    'x-dead-letter-exchange': deadLetterName(prefix, module),
    'x-dead-letter-strategy': 'at-least-once',
    'x-overflow': 'reject-publish',
  },
});

/** One consuming module's part: its queue bound to the exchange of each event it subscribes to, and its dead letters. */
export function moduleTopology(prefix: string, module: string, events: string[], attempts: number): Topology {
  const queue = moduleQueue(prefix, module);
  const deadLetters = deadLetterName(prefix, module);
  return {
    exchanges: [
      ...events.map((event) => durable(eventExchange(prefix, event), 'direct')),
      durable(deadLetters, 'fanout'),
    ],
    queues: [
      moduleQueueDeclaration(prefix, module, attempts),
      { queue: deadLetters, durable: true, arguments: { 'x-queue-type': 'quorum' } },
    ],
    queueBindings: [
      ...events.map((event) => ({ queue, exchange: eventExchange(prefix, event), routingKey: module })),
      { queue: deadLetters, exchange: deadLetters, routingKey: '' },
    ],
  };
}

/** Every consuming module's part, from the routing table: a publisher alone creates the queues its events wait in. */
export function topologyOf(prefix: string, routing: EventRouting, attempts: number): Topology {
  const eventsOf = new Map<string, string[]>();
  for (const [event, modules] of routing)
    for (const module of modules) eventsOf.set(module, [...(eventsOf.get(module) ?? []), event]);
  const parts = [...eventsOf].map(([module, events]) => moduleTopology(prefix, module, events, attempts));
  return {
    // Two modules subscribing to one event share its exchange: declared once.
    exchanges: [...new Map(parts.flatMap((part) => part.exchanges).map((e) => [e.exchange, e])).values()],
    queues: parts.flatMap((part) => part.queues),
    queueBindings: parts.flatMap((part) => part.queueBindings),
  };
}

/** Declares `topology` on `channel`: exchanges, then queues, then the bindings between them. */
export async function declareTopology(channel: Channel, topology: Topology): Promise<void> {
  for (const exchange of topology.exchanges) await channel.exchangeDeclare(exchange);
  for (const queue of topology.queues) await channel.queueDeclare(queue);
  for (const binding of topology.queueBindings) await channel.queueBind(binding);
}
