import { randomUUID } from 'node:crypto';
import { Connection, type Publisher } from 'rabbitmq-client';
import type { Counter, Histogram } from 'prom-client';
import type { Metrics } from '../telemetry/metrics.js';
import type { Logger } from '../kernel/logger.js';
import type { EventEnvelope } from '../kernel/event.js';
import { withTimeout } from '../resilience/with-timeout.js';
import type { EventBus, EventHandler, EventRouting, QueueCounts } from './event-bus.js';
import { busLagHistogram, deadLetterCounter } from './event-metrics.js';
import { RabbitmqConsumer } from './rabbitmq-consumer.js';
import { rabbitmqDefaults, type RabbitmqConnection, type RabbitmqEventBusOptions } from './rabbitmq-options.js';
import {
  deadLetterName,
  declareTopology,
  eventExchange,
  moduleQueue,
  moduleTopology,
  topologyOf,
  type Topology,
} from './rabbitmq-topology.js';
import { rateLimitedWarning } from './rate-limited-warning.js';

export type { RabbitmqConnection, RabbitmqEventBusOptions };

/**
 * Event bus over RabbitMQ: a durable exchange per event name, a quorum queue per consuming module
 * bound to the events it subscribes to, a dead-letter exchange and queue per module (see
 * rabbitmq-topology.ts). The whole topology of the routing table is declared at connection and again
 * after every reconnect, so events wait in a module's queue even before that module ever ran.
 * publish() resolves only once the broker confirmed the message (publisher confirms) and did not
 * return it as unroutable (mandatory): only then may the outbox row be marked dispatched.
 * Create it with {@link RabbitmqEventBus.connect}.
 */
export class RabbitmqEventBus implements EventBus {
  private readonly connection: Connection;
  private readonly publisher: Publisher;
  private readonly topology: Topology;
  private readonly options: Required<RabbitmqEventBusOptions>;
  private readonly consumers = new Map<string, RabbitmqConsumer>();
  /** Correlation ids of publishes the broker returned as unroutable, until their publish() sees it. */
  private readonly returned = new Set<string>();
  private readonly deadLettered: Counter;
  private readonly busLag: Histogram;
  private readonly warn: (source: string, error: Error) => void;
  private lost = false;
  /** The declaration of the topology after the latest (re)connection. */
  private declared: Promise<void> = Promise.resolve();

  constructor(
    private readonly settings: RabbitmqConnection,
    private readonly routing: EventRouting,
    private readonly logger: Logger,
    metrics: Metrics,
    options: RabbitmqEventBusOptions = {},
  ) {
    this.options = rabbitmqDefaults(options);
    this.deadLettered = deadLetterCounter(metrics.registry);
    this.busLag = busLagHistogram(metrics.registry);
    this.warn = rateLimitedWarning(logger, 'RabbitMQ connection problem in the event bus');
    this.topology = topologyOf(settings.prefix, routing, this.options.attempts);
    this.connection = new Connection({
      url: settings.url,
      connectionName: settings.connectionName,
      heartbeat: this.options.heartbeatSeconds,
      connectionTimeout: 2000,
      // Quick reconnects (capped at 2 s) so the bus recovers soon after the broker returns.
      retryLow: 200,
      retryHigh: 2000,
    });
    this.connection.on('error', (error: Error) => {
      this.lost = true;
      this.warn('connection', error);
    });
    this.connection.on('connection', () => this.connected());
    // The publisher's channel declares the topology too, before its first publish after each reconnect.
    this.publisher = this.connection.createPublisher({ confirm: true, ...this.topology });
    this.publisher.on('basic.return', (message) => {
      if (message.correlationId) this.returned.add(message.correlationId);
    });
  }

  /**
   * Creates the bus and waits up to 3 s for the broker, then for the topology to be declared; an
   * unreachable broker only warns (the outbox waits).
   */
  static async connect(
    settings: RabbitmqConnection,
    routing: EventRouting,
    logger: Logger,
    metrics: Metrics,
    options?: RabbitmqEventBusOptions,
  ): Promise<RabbitmqEventBus> {
    const bus = new RabbitmqEventBus(settings, routing, logger, metrics, options);
    await bus.connection.onConnect(3000, true).then(
      () => bus.declared,
      () => {
        bus.lost = true;
        logger.warn(
          { url: redacted(settings.url) },
          'RabbitMQ unreachable at startup; events wait in the outbox until it is back',
        );
      },
    );
    return bus;
  }

  async publish(envelope: EventEnvelope): Promise<void> {
    const modules = this.routing.get(envelope.name) ?? [];
    // While the connection is away a publish fails at once: the outbox holds the event, not this process.
    if (modules.length > 0 && !this.connection.ready)
      throw new Error(`RabbitMQ unreachable: ${envelope.name} ${envelope.id} not published`);
    await Promise.all(modules.map((module) => this.publishTo(module, envelope)));
  }

  /** One module's copy: resolves once the broker confirmed it and did not return it as unroutable. */
  private async publishTo(module: string, envelope: EventEnvelope): Promise<void> {
    const exchange = eventExchange(this.settings.prefix, envelope.name);
    const correlationId = randomUUID();
    const message = { exchange, routingKey: module, mandatory: true, durable: true, correlationId };
    await withTimeout(
      this.publisher.send({ ...message, messageId: envelope.id, type: envelope.name }, envelope),
      this.options.publishTimeoutMs,
      `publishing ${envelope.name} timed out (no confirm from RabbitMQ)`,
    );
    // The broker sends basic.return just before the confirm; the client emits it on the next macrotask.
    await new Promise((resolve) => setImmediate(resolve));
    if (this.returned.delete(correlationId)) {
      void this.declare(); // someone removed a queue or binding: put them back, so the relay's retry goes through
      throw new Error(`${envelope.name} ${envelope.id} was unroutable: no queue of ${module} is bound to ${exchange}`);
    }
  }

  async consume(module: string, handler: EventHandler): Promise<void> {
    if (this.consumers.has(module)) throw new Error(`RabbitmqEventBus: module "${module}" already consumes`);
    const events = [...this.routing].filter(([, modules]) => modules.includes(module)).map(([event]) => event);
    const settings = {
      module,
      topology: moduleTopology(this.settings.prefix, module, events, this.options.attempts),
      options: this.options,
      logger: this.logger,
      deadLettered: this.deadLettered,
      busLag: this.busLag,
      warn: this.warn,
    };
    this.consumers.set(module, new RabbitmqConsumer(this.connection, settings, handler));
  }

  async ping(): Promise<void> {
    if (!this.connection.ready) throw new Error('RabbitMQ connection is down (reconnecting)');
  }

  /** The console's row of a consuming module: ready messages, this process's deliveries, its dead letters. */
  async queueCounts(module: string): Promise<QueueCounts> {
    await this.ping();
    const { prefix } = this.settings;
    const count = async (queue: string) => (await this.connection.queueDeclare({ queue, passive: true })).messageCount;
    const [waiting, failed] = await Promise.all([
      count(moduleQueue(prefix, module)),
      count(deadLetterName(prefix, module)),
    ]);
    const consumer = this.consumers.get(module);
    return { waiting, active: consumer?.active ?? 0, delayed: consumer?.delayed ?? 0, failed };
  }

  /** Lets running handlers finish (failed ones waiting for a retry go back to the queue), then closes the connection. */
  async close(): Promise<void> {
    await Promise.all([...this.consumers.values()].map((consumer) => consumer.close()));
    await this.publisher.close();
    await this.connection.close();
  }

  private connected(): void {
    if (this.lost) this.logger.info('RabbitMQ connection back; topology declared again');
    this.lost = false;
    this.declared = this.declare();
  }

  /** The whole topology on a channel of its own (consumer and publisher channels declare their parts themselves). */
  private async declare(): Promise<void> {
    try {
      const channel = await this.connection.acquire();
      try {
        await declareTopology(channel, this.topology);
      } finally {
        await channel.close();
      }
    } catch (error) {
      this.warn('topology', error as Error);
    }
  }
}

const redacted = (url: string): string => {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
};
