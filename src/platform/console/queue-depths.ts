import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { onDemand } from '../kernel/on-demand.js';
import type { Config } from '../kernel/config.js';
import { queueName, type BullmqConnection } from '../events/bullmq-options.js';
import type { EventBus, QueueCounts } from '../events/event-bus.js';
import { withTimeout } from '../resilience/with-timeout.js';
import type { QueueDepth } from './process-snapshot.js';

const COUNT_TIMEOUT_MS = 1000;

/** Where the console reads the queues of the modules a process consumes for. */
export interface QueueDepthReader {
  read(): Promise<QueueDepth[]>;
  close(): Promise<void>;
}

/** The console's reader of the `consumers`' queues on the bus of `config`; none with the in-process bus. */
export function queueDepthsFor(config: Config, bus: EventBus, consumers: string[]): QueueDepthReader | undefined {
  if (consumers.length === 0) return undefined;
  if (config.eventBus === 'bullmq')
    return new QueueDepths({ redisUrl: config.redisUrl, prefix: config.bullmqPrefix }, consumers);
  const { queueCounts } = bus;
  return queueCounts ? new BusQueueDepths((module) => queueCounts.call(bus, module), consumers) : undefined;
}

/** A module's row within a second, or a row of zeros naming why not: the console never waits on a broker. */
async function depthWithin(module: string, counts: () => Promise<QueueCounts>): Promise<QueueDepth> {
  try {
    return { module, ...(await withTimeout(counts(), COUNT_TIMEOUT_MS, `no answer within ${COUNT_TIMEOUT_MS} ms`)) };
  } catch (error) {
    return { module, waiting: 0, active: 0, delayed: 0, failed: 0, error: (error as Error).message };
  }
}

/** The rows a bus counts itself (RabbitMQ: ready messages, this process's deliveries, dead letters). */
export class BusQueueDepths implements QueueDepthReader {
  constructor(
    private readonly counts: (module: string) => Promise<QueueCounts>,
    private readonly modules: string[],
  ) {}

  read(): Promise<QueueDepth[]> {
    return Promise.all(this.modules.map((module) => depthWithin(module, () => this.counts(module))));
  }

  async close(): Promise<void> {}
}

/**
 * The depths of the BullMQ queues of the modules this process consumes for, read on demand through
 * a connection of its own (dialled on first use, no offline queue): the console must never wait on
 * Redis longer than a second, nor hold up the bus.
 */
export class QueueDepths implements QueueDepthReader {
  private redis?: Redis;
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: BullmqConnection,
    private readonly modules: string[],
  ) {}

  async read(): Promise<QueueDepth[]> {
    return Promise.all(this.modules.map((module) => this.depthOf(module)));
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close().catch(() => undefined)));
    this.redis?.disconnect();
  }

  private depthOf(module: string): Promise<QueueDepth> {
    return depthWithin(module, async () => {
      const counts = await this.queue(module).getJobCounts('waiting', 'active', 'delayed', 'failed');
      return {
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      };
    });
  }

  private queue(module: string): Queue {
    let queue = this.queues.get(module);
    if (!queue) {
      const { Queue } = onDemand<typeof import('bullmq')>('bullmq');
      queue = new Queue(queueName(module), { connection: this.dial(), prefix: this.connection.prefix });
      queue.on('error', () => undefined);
      this.queues.set(module, queue);
    }
    return queue;
  }

  private dial(): Redis {
    if (this.redis) return this.redis;
    const { Redis } = onDemand<typeof import('ioredis')>('ioredis');
    this.redis = new Redis(this.connection.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: COUNT_TIMEOUT_MS,
      retryStrategy: (times) => Math.min(times * 500, 5000),
    });
    // Unreachable Redis shows as an error on the queue's row; the bus itself logs its outages.
    this.redis.on('error', () => undefined);
    return this.redis;
  }
}
