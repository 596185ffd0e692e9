import type { Config } from '../kernel/config.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Logger } from '../kernel/logger.js';
import type { EventBus, EventRouting } from './event-bus.js';
import { MemoryEventBus } from './memory-event-bus.js';

/**
 * The bus selected by EVENT_BUS. Rejects (with a one-line message) when Redis may evict keys;
 * an unreachable Redis does not stop startup, since the outbox holds events until it is back.
 * BullMQ and ioredis are loaded only when chosen: a monolith or a gateway never pays their memory.
 */
export async function createEventBus(
  config: Config,
  routing: EventRouting,
  logger: Logger,
  metrics: Metrics,
): Promise<EventBus> {
  if (config.eventBus === 'memory') return new MemoryEventBus(routing, logger, metrics);
  const { BullmqEventBus } = await import('./bullmq-event-bus.js');
  return BullmqEventBus.connect({ redisUrl: config.redisUrl, prefix: config.bullmqPrefix }, routing, logger, metrics);
}
