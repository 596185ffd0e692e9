/** Where the RabbitMQ event bus keeps its exchanges and queues. */
export interface RabbitmqConnection {
  /** amqp(s)://user:password@host:port/vhost (RABBITMQ_URL). */
  url: string;
  /** Start of every exchange and queue name (RABBITMQ_PREFIX), so deployments and test runs can share a broker. */
  prefix: string;
  /** Shown by the broker (`rabbitmqctl list_connections client_properties`): which process this is. */
  connectionName?: string;
}

export interface RabbitmqEventBusOptions {
  /** Deliveries of one event to one module before it is dead-lettered (the queue's delivery limit); default 10. */
  attempts?: number;
  /** Wait before a failed delivery goes back to the queue, doubled on each retry; default 500 ms. */
  backoffMs?: number;
  /** Cap of that wait; default 10 s (the delivery holds one of the consumer's places meanwhile). */
  maxBackoffMs?: number;
  /** Handlers one consume() runs at once; the broker sends at most twice as many ahead (prefetch). Default 10. */
  concurrency?: number;
  /** publish() rejects after this long without the broker's confirm, so the outbox keeps the row; default 3000 ms. */
  publishTimeoutMs?: number;
  /** Heartbeat of the connection, in seconds: a silent broker is given up after twice this; default 10. */
  heartbeatSeconds?: number;
}

export const rabbitmqDefaults = (options: RabbitmqEventBusOptions): Required<RabbitmqEventBusOptions> => ({
  attempts: options.attempts ?? 10,
  backoffMs: options.backoffMs ?? 500,
  maxBackoffMs: options.maxBackoffMs ?? 10_000,
  concurrency: options.concurrency ?? 10,
  publishTimeoutMs: options.publishTimeoutMs ?? 3000,
  heartbeatSeconds: options.heartbeatSeconds ?? 10,
});
