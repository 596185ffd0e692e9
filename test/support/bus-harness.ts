/**
 * The broker-backed event buses behind one interface, so a contract suite (the bus tests, the crash
 * test, the outage test) runs unchanged on BullMQ and on RabbitMQ, each isolated (a Redis key prefix,
 * a RabbitMQ vhost) and cleaned up after.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Connection } from 'rabbitmq-client';
import { BullmqEventBus, type BullmqEventBusOptions } from '../../src/platform/events/bullmq-event-bus.js';
import { queueName } from '../../src/platform/events/bullmq-options.js';
import type { EventBus } from '../../src/platform/events/event-bus.js';
import { RabbitmqEventBus, type RabbitmqEventBusOptions } from '../../src/platform/events/rabbitmq-event-bus.js';
import { deadLetterName, moduleQueue } from '../../src/platform/events/rabbitmq-topology.js';
import type { Logger } from '../../src/platform/kernel/logger.js';
import type { Metrics } from '../../src/platform/telemetry/metrics.js';
import { captureLogger, routing, testMetrics } from './events-fixtures.js';
import { createTestVhost, RABBITMQ_URL, requireRabbitmq, type TestVhost } from './rabbitmq.js';
import { REDIS_URL, requireRedis, uniqueRedisPrefix } from './services.js';

export type BusKind = 'bullmq' | 'rabbitmq';
export type BusOptions = BullmqEventBusOptions & RabbitmqEventBusOptions;

/** Where a bus finds its broker: URL (with the vhost, for RabbitMQ) and name prefix. */
export interface BusAddress {
  kind: BusKind;
  url: string;
  prefix: string;
}

/** A bus of `address.kind`, connected (it waits briefly for the broker, as the host does). */
export function connectBus(
  address: BusAddress,
  routes: Record<string, string[]>,
  logger: Logger,
  metrics: Metrics,
  options: BusOptions = {},
): Promise<EventBus> {
  return address.kind === 'bullmq'
    ? BullmqEventBus.connect(
        { redisUrl: address.url, prefix: address.prefix },
        routing(routes),
        logger,
        metrics,
        options,
      )
    : RabbitmqEventBus.connect({ url: address.url, prefix: address.prefix }, routing(routes), logger, metrics, options);
}

export interface BusHarness {
  name: string;
  kind: BusKind;
  /** The broker answers (else the suite is skipped, or fails under CI). */
  enabled: boolean;
  /** The broker's own address, for a TcpProxy in front of it. */
  broker: { host: string; port: number };
  /** Makes this suite's isolation (call in beforeAll); `tearDown` removes it with all it holds. */
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** The address of this suite's isolation, optionally through a local port (a TcpProxy). */
  address(viaPort?: number): BusAddress;
  /** A connected bus, closed by `tearDown` unless the test closed it. */
  connect(
    routes: Record<string, string[]>,
    options?: BusOptions,
    logger?: Logger,
    metrics?: Metrics,
  ): Promise<EventBus>;
  /** Has the broker close this suite's connections (RabbitMQ only, with rabbitmqctl); resolves how many. */
  closeConnections(): Promise<number>;
  /** Lets this suite's clients (re)connect, or refuses them (RabbitMQ only). */
  allowClients(allowed: boolean): Promise<void>;
  /** Events waiting for `module` (any not yet acknowledged) and its dead letters, read from the broker. */
  queue(module: string): Promise<{ pending: number; failed: number }>;
}

interface Isolation {
  url: (port?: number) => string;
  prefix: string;
  cleanup(): Promise<void>;
  closeConnections?(): Promise<number>;
  allowClients?(allowed: boolean): Promise<void>;
}

function harness(
  kind: BusKind,
  name: string,
  enabled: boolean,
  brokerUrl: string,
  defaultPort: number,
  isolate: (label: string) => Promise<Isolation>,
  inspect: (address: BusAddress, module: string) => Promise<{ pending: number; failed: number }>,
  label: string,
): BusHarness {
  let isolation: Awaited<ReturnType<typeof isolate>> | undefined;
  const buses: EventBus[] = [];
  const broker = new URL(brokerUrl);
  const self: BusHarness = {
    name,
    kind,
    enabled,
    broker: { host: broker.hostname, port: Number(broker.port || defaultPort) },
    async setUp() {
      isolation = await isolate(label);
    },
    async tearDown() {
      await Promise.all(buses.splice(0).map((bus) => bus.close().catch(() => undefined)));
      await isolation?.cleanup();
    },
    address: (viaPort) => ({ kind, url: isolation!.url(viaPort), prefix: isolation!.prefix }),
    async connect(routes, options = {}, logger = captureLogger().logger, metrics = testMetrics()) {
      const bus = await connectBus(self.address(), routes, logger, metrics, options);
      buses.push(bus);
      return bus;
    },
    queue: (module) => inspect(self.address(), module),
    async closeConnections() {
      if (!isolation?.closeConnections) throw new Error(`${name}: the broker cannot close connections`);
      return isolation.closeConnections();
    },
    async allowClients(allowed) {
      if (!isolation?.allowClients) throw new Error(`${name}: the broker cannot refuse clients`);
      await isolation.allowClients(allowed);
    },
  };
  return self;
}

async function bullmqCounts(address: BusAddress, module: string) {
  const connection = new Redis(address.url, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName(module), { connection, prefix: address.prefix });
  try {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
    return { pending: counts.waiting + counts.active + counts.delayed, failed: counts.failed };
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

async function rabbitmqCounts(address: BusAddress, module: string) {
  const connection = new Connection(address.url);
  try {
    // Messages of a consumer that died are ready again; only a live consumer's unacked ones are not counted.
    const count = async (queue: string) => (await connection.queueDeclare({ queue, passive: true })).messageCount;
    const pending = await count(moduleQueue(address.prefix, module));
    return { pending, failed: await count(deadLetterName(address.prefix, module)) };
  } finally {
    await connection.close();
  }
}

/** Both broker buses, each with its availability checked; a suite declares its tests for each. */
export async function busHarnesses(label: string): Promise<BusHarness[]> {
  return [
    harness(
      'bullmq',
      'BullMQ',
      await requireRedis(),
      REDIS_URL,
      6379,
      async (name) => {
        const { prefix, cleanup } = uniqueRedisPrefix(name);
        return { url: (port) => (port ? `redis://127.0.0.1:${port}` : REDIS_URL), prefix, cleanup };
      },
      bullmqCounts,
      label,
    ),
    harness(
      'rabbitmq',
      'RabbitMQ',
      await requireRabbitmq(),
      RABBITMQ_URL,
      5672,
      async (name) => {
        const vhost: TestVhost = await createTestVhost(name);
        return {
          url: (port) => (port ? vhost.urlVia(port) : vhost.url),
          prefix: 'shop',
          cleanup: () => vhost.drop(),
          closeConnections: () => vhost.closeConnections(),
          allowClients: (allowed) => vhost.allowGuest(allowed),
        };
      },
      rabbitmqCounts,
      label,
    ),
  ];
}
