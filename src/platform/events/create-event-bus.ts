import type { Config } from '../kernel/config.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Logger } from '../kernel/logger.js';
import type { EventBus, EventRouting } from './event-bus.js';
import { MemoryEventBus } from './memory-event-bus.js';

/**
 * The bus selected by EVENT_BUS. Rejects (with a one-line message) when Redis may evict keys;
 * an unreachable Redis or RabbitMQ does not stop startup, since the outbox holds events until it is
 * back. Broker clients are loaded only when chosen: a monolith or a gateway never pays their memory.
 */
export async function createEventBus(
  config: Config,
  routing: EventRouting,
  logger: Logger,
  metrics: Metrics,
): Promise<EventBus> {
  if (config.eventBus === 'memory') return new MemoryEventBus(routing, logger, metrics);
  if (config.eventBus === 'rabbitmq') {
    const { RabbitmqEventBus } = await import('./rabbitmq-event-bus.js');
    const connectionName = `${config.rabbitmqPrefix} ${config.modules.join(',')}`;
    return RabbitmqEventBus.connect(
      { url: config.rabbitmqUrl, prefix: config.rabbitmqPrefix, connectionName },
      routing,
      logger,
      metrics,
    );
  }
  const { BullmqEventBus } = await import('./bullmq-event-bus.js');
  return BullmqEventBus.connect({ redisUrl: config.redisUrl, prefix: config.bullmqPrefix }, routing, logger, metrics);
}
