import { AppError } from '../kernel/errors.js';
import { readEventPayload } from '../kernel/event.js';
import type { EventRouting } from '../events/event-bus.js';
import type { EventBus } from '../events/event-bus.js';
import { OUTBOX, OutboxRelay, type Outbox } from '../events/outbox.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Logger } from '../kernel/logger.js';
import type { BackgroundTask, ModuleContext, ModuleDefinition } from '../kernel/module.js';

/**
 * Event name → consuming modules, from every module definition (hosted here or not), so routing
 * is the same whether a consumer runs in this process or another one.
 */
export function eventRouting(definitions: ModuleDefinition[]): EventRouting {
  const routing: EventRouting = new Map();
  for (const definition of definitions) {
    for (const { event } of definition.subscriptions)
      routing.set(event.name, [...(routing.get(event.name) ?? []), definition.name]);
  }
  return routing;
}

/** Starts an outbox relay for every hosted publisher and a consumer for every hosted subscriber. */
export async function wireEvents(
  bus: EventBus,
  hosted: ModuleDefinition[],
  modules: Map<string, ModuleContext>,
  metrics: Metrics,
  logger: Logger,
): Promise<{ tasks: BackgroundTask[] }> {
  const tasks: BackgroundTask[] = [];
  for (const definition of hosted) {
    const context = modules.get(definition.name)!;
    if (definition.publishes.length > 0) {
      const outbox = context.container.resolve<Outbox>(OUTBOX);
      const relay = new OutboxRelay({
        module: definition.name,
        db: context.db,
        bus,
        outbox,
        logger: context.logger,
        metrics,
      });
      relay.start();
      tasks.push(relay);
    }
    if (definition.subscriptions.length > 0) {
      const byName = new Map(definition.subscriptions.map((subscription) => [subscription.event.name, subscription]));
      // The bus runs each handler inside the event's trace context (traceparent + request id).
      await bus.consume(definition.name, async (envelope) => {
        const subscription = byName.get(envelope.name);
        if (!subscription)
          return logger.warn(
            { event: envelope.name, module: definition.name },
            'no subscription for routed event; skipped',
          );
        // Every version still queued is read, older ones upcast to the version this consumer was built for.
        const parsed = readEventPayload(subscription.event, envelope.version, envelope.payload);
        if (!parsed.success)
          throw new AppError(
            'validation_failed',
            `event ${envelope.name} ${envelope.version} ${envelope.id} does not fit version ${subscription.event.version}: ` +
              parsed.error.issues.map((issue) => `${issue.path.join('.') || '(payload)'} ${issue.message}`).join('; '),
          );
        await subscription.handle({ ...envelope, payload: parsed.data }, context.container);
      });
    }
  }
  return { tasks };
}
