import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { onDemand } from '../kernel/on-demand.js';
import { queueName, type BullmqConnection } from '../events/bullmq-options.js';
import type { QueueDepth } from './process-snapshot.js';

const COUNT_TIMEOUT_MS = 1000;

/**
 * The depths of the BullMQ queues of the modules this process consumes for, read on demand through
 * a connection of its own (dialled on first use, no offline queue): the console must never wait on
 * Redis longer than a second, nor hold up the bus.
 */
export class QueueDepths {
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

  private async depthOf(module: string): Promise<QueueDepth> {
    try {
      const counts = await Promise.race([
        this.queue(module).getJobCounts('waiting', 'active', 'delayed', 'failed'),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`no answer within ${COUNT_TIMEOUT_MS} ms`)), COUNT_TIMEOUT_MS).unref(),
        ),
      ]);
      return {
        module,
        waiting: counts.waiting ?? 0,
        active: counts.active ?? 0,
        delayed: counts.delayed ?? 0,
        failed: counts.failed ?? 0,
      };
    } catch (error) {
      return { module, waiting: 0, active: 0, delayed: 0, failed: 0, error: (error as Error).message };
    }
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
