import { setTimeout as sleep } from 'node:timers/promises';
import { ConsumerStatus, type AsyncMessage, type Connection, type Consumer } from 'rabbitmq-client';
import type { Counter, Histogram } from 'prom-client';
import type { Logger } from '../kernel/logger.js';
import type { EventEnvelope } from '../kernel/event.js';
import type { EventHandler } from './event-bus.js';
import { consumeEvent, runInEventContext } from './event-context.js';
import type { RabbitmqEventBusOptions } from './rabbitmq-options.js';
import type { Topology } from './rabbitmq-topology.js';

export interface RabbitmqConsumerSettings {
  module: string;
  /** The module's queue first, its bindings and exchanges: re-declared by the client on every new channel. */
  topology: Topology;
  options: Required<RabbitmqEventBusOptions>;
  logger: Logger;
  deadLettered: Counter;
  /** Observes each event's time from its outbox write to here. */
  busLag: Histogram;
  /** Reports connection trouble (the bus rate-limits these lines). */
  warn(source: string, error: Error): void;
}

const isEnvelope = (body: unknown): body is EventEnvelope =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as EventEnvelope).id === 'string' &&
  typeof (body as EventEnvelope).name === 'string';

/**
 * One consuming module's consumer on its quorum queue. A delivery is acked only once the handler
 * resolved, i.e. once the module's inbox transaction committed; a redelivery after a crash or a lost
 * connection is absorbed by that inbox. The client sets the channel up again (queue, bindings,
 * prefetch) after every reconnect, and acks on the channel a delivery came from, never with a stale
 * delivery tag on a new one. A failed delivery goes back to the queue after a backoff; the last
 * allowed one is rejected to the module's dead-letter queue (log line + counter).
 */
export class RabbitmqConsumer {
  private readonly consumer: Consumer;
  private readonly stopping = new AbortController();
  /** Deliveries being handled now. */
  active = 0;
  /** Failed deliveries waiting out their backoff before going back to the queue. */
  delayed = 0;

  constructor(
    connection: Connection,
    private readonly settings: RabbitmqConsumerSettings,
    private readonly handler: EventHandler,
  ) {
    const { topology, options, module } = settings;
    const [queue] = topology.queues;
    this.consumer = connection.createConsumer(
      {
        queue: queue.queue,
        queueOptions: queue,
        exchanges: topology.exchanges,
        queueBindings: topology.queueBindings,
        // Twice the handlers in flight, so the next delivery is already here when one finishes.
        qos: { prefetchCount: options.concurrency * 2 },
        concurrency: options.concurrency,
      },
      (message) => this.deliver(message),
    );
    this.consumer.on('error', (error: Error) => settings.warn(`consumer:${module}`, error));
  }

  /** Stops taking deliveries, cuts backoffs short (those go back to the queue) and waits for running handlers. */
  async close(): Promise<void> {
    this.stopping.abort();
    await this.consumer.close();
  }

  private async deliver(message: AsyncMessage): Promise<ConsumerStatus> {
    const { module, logger, busLag } = this.settings;
    const envelope = message.body;
    if (!isEnvelope(envelope)) {
      logger.error({ module, messageId: message.messageId }, 'not an event envelope; dead-lettered');
      return ConsumerStatus.DROP;
    }
    // The quorum queue counts earlier deliveries that ended without an ack (absent on the first).
    const attempt = Number(message.headers?.['x-delivery-count'] ?? 0) + 1;
    this.active += 1;
    const failure = await Promise.resolve()
      .then(() => consumeEvent(envelope, module, busLag, () => this.handler(envelope)))
      .then(
        () => undefined,
        (error: unknown) => ({ error }),
      );
    this.active -= 1;
    return failure ? this.failed(envelope, attempt, failure.error) : ConsumerStatus.ACK;
  }

  private async failed(envelope: EventEnvelope, attempt: number, error: unknown): Promise<ConsumerStatus> {
    const { module, logger, deadLettered, options } = this.settings;
    const fields = { err: error, module, event: envelope.name, eventId: envelope.id, attempt };
    if (attempt >= options.attempts) {
      runInEventContext(envelope, () => {
        deadLettered.inc({ module, event: envelope.name });
        logger.error(
          fields,
          'event dead-lettered: delivery failed on its last attempt (kept in the dead-letter queue)',
        );
      });
      return ConsumerStatus.DROP;
    }
    runInEventContext(envelope, () => logger.warn(fields, 'event delivery failed; will retry'));
    const delay = Math.min(options.backoffMs * 2 ** (attempt - 1), options.maxBackoffMs);
    this.delayed += 1;
    await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
    this.delayed -= 1;
    return ConsumerStatus.REQUEUE;
  }
}
