import type { DependencyContainer } from 'tsyringe';
import { ConfigError, type Config } from '../kernel/config.js';
import { KNEX, SQL_RUNNER } from '../db/db.tokens.js';
import { openModuleDb } from '../db/module-db.js';
import { Outbox, OUTBOX } from '../events/outbox.js';
import type { Logger } from '../kernel/logger.js';
import { settingsOf, type ModuleContext, type ModuleDefinition } from '../kernel/module.js';
import type { Bulkhead } from '../resilience/bulkhead.js';
import { inProcessApi } from '../rpc/in-process-api.js';
import type { ApiOf } from '../kernel/contract.js';
import { CALL_TELEMETRY, type CallTelemetry } from '../telemetry/call-telemetry.js';
import { LOGGER } from '../kernel/tokens.js';

/**
 * Opens and migrates a module's database and builds its own child container. The one DI rule:
 * the host registers the module's db, logger (and outbox) under platform tokens, and its settings
 * under the token its settings slice declares; the module registers its ports' adapters and
 * repositories as container singletons; use cases stay unregistered, so tsyringe builds one afresh
 * per resolve. Only the contract is exposed to the process, wrapped so that in-process callers get
 * their input validated like remote ones (and, in a process shared with other modules, their calls
 * limited by the module's `bulkhead`).
 */
export async function hostModule(
  definition: ModuleDefinition,
  config: Config,
  logger: Logger,
  root: DependencyContainer,
  bulkhead?: Bulkhead,
): Promise<ModuleContext> {
  // A publisher's transactions write its events to its outbox (`tx.publish`), which wakes its relay.
  const outbox = definition.publishes.length > 0 ? new Outbox(definition.name) : undefined;
  const db = await openModuleDb(definition.name, config, outbox, definition.postgresExtensions);
  await db.migrate(definition.migrations);
  const container = root.createChildContainer();
  const context: ModuleContext = {
    name: definition.name,
    config,
    settings: settingsOf(definition, config),
    logger: logger.child({ module: definition.name }),
    db,
    container,
    expose: (token, factory) => root.register(token, { useFactory: () => factory(container) }),
  };
  container.register(KNEX, { useValue: db.knex });
  container.register(SQL_RUNNER, { useValue: db.sql });
  if (definition.settings) container.register(definition.settings.token, { useValue: context.settings });
  container.register(LOGGER, { useValue: context.logger });
  if (outbox) container.register(OUTBOX, { useValue: outbox });
  definition.register(context);
  const contract = definition.contract;
  if (contract) {
    let api: ApiOf<typeof contract.operations> | undefined;
    // Traced and counted like a remote call (client and server spans, shop_operation_*), as `local`.
    const calls = root.resolve<CallTelemetry>(CALL_TELEMETRY);
    context.expose(
      contract.token,
      (own) => (api ??= calls.traced(contract, inProcessApi(contract, own.resolve(contract.token), bulkhead), 'local')),
    );
  }
  return context;
}

/** Every module hosted here can reach what it requires: hosted too, or at a `<MODULE>_URL`. */
export function checkRequirements(config: Config, hosted: ModuleDefinition[]): void {
  // With discovery a module without a URL is looked up; while none is registered, calls to it get 503.
  if (config.discovery) return;
  for (const definition of hosted) {
    for (const required of definition.requires) {
      if (!config.modules.includes(required) && !config.remoteUrls[required]) {
        throw new ConfigError(
          `Invalid configuration: module ${definition.name} needs ${required}; host it here (MODULES) or set ${required.toUpperCase()}_URL`,
        );
      }
    }
  }
}
