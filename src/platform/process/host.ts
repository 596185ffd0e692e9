import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { MODULE_NAMES, type Config, type ModuleName } from '../kernel/config.js';
import { createAdminConsole } from '../console/admin-console.js';
import { startDiscovery } from '../discovery/discovery.js';
import { createEventBus } from '../events/create-event-bus.js';
import type { EventBus } from '../events/event-bus.js';
import { createHttpApp } from '../http/app.js';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier } from '../kernel/principal.js';
import type { HealthCheck } from '../kernel/health-check.js';
import { createMetrics, type Metrics } from '../telemetry/metrics.js';
import { edgeRateLimit } from '../http/rate-limit.js';
import { routerFor } from '../http/mount.js';
import { closeServer, listen } from '../http/server.js';
import { buildOpenApiDocument } from '../http/openapi.js';
import { eventRouting, wireEvents } from './event-wiring.js';
import { createLogger } from '../kernel/logger.js';
import { checkRequirements, hostModule } from './host-module.js';
import { runPeriodically } from './periodic-task.js';
import type { BackgroundTask, ModuleContext, ModuleDefinition } from '../kernel/module.js';
import { contractServer } from '../rpc/contract-server.js';
import { registerRemoteContracts } from '../rpc/remote-contracts.js';
import { createServiceTokens } from '../rpc/service-token.js';
import { CALL_TELEMETRY, CallTelemetry } from '../telemetry/call-telemetry.js';
import { SHOP_METRICS, ShopMetrics } from '../telemetry/shop-metrics.js';
import { inModule } from '../telemetry/spans.js';
import type { TraceStore } from '../telemetry/trace-store.js';
import { serviceNameFor, startTracing } from '../telemetry/tracing.js';
import { Bulkheads } from '../resilience/bulkhead.js';

/** A running process: the modules it hosts, their HTTP API, events and background work. */
export interface Host {
  url: string;
  port: number;
  container: DependencyContainer;
  modules: Map<ModuleName, ModuleContext>;
  bus: EventBus;
  metrics: Metrics;
  /** This process's recent finished spans. */
  traces: TraceStore;
  stop(): Promise<void>;
}

/** Builds and starts one process from the configuration and the (static) module definitions. */
export async function startHost(
  config: Config,
  definitions: ModuleDefinition[],
  logger = createLogger(config.logLevel),
): Promise<Host> {
  const hosted = definitions.filter((definition) => config.modules.includes(definition.name));
  checkRequirements(config, hosted);
  const root = rootContainer.createChildContainer();
  const metrics = createMetrics();
  const all = config.modules.length === MODULE_NAMES.length;
  const service = serviceNameFor(config.modules, all);
  const processModule = hosted.length === 1 ? hosted[0].name : 'shop';
  const tracing = startTracing({ serviceName: service, processModule });
  root.register(CALL_TELEMETRY, { useValue: new CallTelemetry(metrics.registry) });
  root.register(SHOP_METRICS, { useValue: new ShopMetrics(metrics.registry) });
  const serviceTokens = config.internalTokenSecret ? createServiceTokens(config.internalTokenSecret) : undefined;
  const bulkheads = new Bulkheads(config.bulkhead, metrics.registry);
  // Sharing a process, each module's work has its own limit, so one slow module cannot take it all.
  const inbound = (module: string) => (hosted.length > 1 ? bulkheads.named(`module:${module}`) : undefined);
  const deps = { logger, metrics, serviceTokens, bulkheads };
  const upstreams = registerRemoteContracts(root, config, definitions, hosted, deps);
  const discovery = config.discovery ? await startDiscovery(config.discovery, logger) : undefined;
  for (const [name, upstream] of upstreams) if (!config.remoteUrls[name]) discovery?.follow(name, upstream);

  const modules = new Map<ModuleName, ModuleContext>();
  const bus = await createEventBus(config, eventRouting(definitions), logger, metrics);
  for (const definition of hosted)
    modules.set(definition.name, await hostModule(definition, config, logger, root, inbound(definition.name)));
  const events = await wireEvents(bus, hosted, modules, metrics, logger);

  const verifier = () =>
    root.isRegistered(ACCESS_TOKEN_VERIFIER, true)
      ? root.resolve<AccessTokenVerifier>(ACCESS_TOKEN_VERIFIER)
      : undefined;
  const api = routerFor(
    hosted.map((definition) => ({
      routes: definition.routes,
      options: {
        module: definition.name,
        container: modules.get(definition.name)!.container,
        accessTokenVerifier: verifier,
        serviceTokenVerifier: serviceTokens,
        bulkhead: inbound(definition.name),
      },
    })),
  );
  const healthChecks: HealthCheck[] = [
    ...hosted.map((definition) => ({
      name: `db:${definition.name}`,
      check: async () => void (await modules.get(definition.name)!.db.knex.raw('select 1')),
    })),
    { name: `events:${config.eventBus}`, check: () => bus.ping() },
    ...hosted.flatMap((definition) => definition.healthChecks?.(modules.get(definition.name)!) ?? []),
    ...(discovery ? [discovery.healthCheck] : []),
  ];
  let shuttingDown = false;
  const adminConsole = config.console
    ? createAdminConsole({
        service,
        processModule,
        hostedModules: config.modules,
        bus: config.eventBus,
        registry: metrics.registry,
        traces: tracing.traces,
        selfUrl: () => config.discovery?.advertiseUrl ?? `http://127.0.0.1:${port}`,
        instancesOf: (module) =>
          upstreams.get(module as ModuleName)?.urls ?? config.remoteUrls[module as ModuleName] ?? [],
        gather: false,
        container: root,
        accessTokenVerifier: verifier,
        serviceTokens,
        bullmq:
          config.eventBus === 'bullmq'
            ? {
                redisUrl: config.redisUrl,
                prefix: config.bullmqPrefix,
                consumers: hosted.filter((d) => d.subscriptions.length > 0).map((d) => d.name),
              }
            : undefined,
      })
    : undefined;
  const openApi = buildOpenApiDocument([
    ...definitions.flatMap((definition) => definition.routes),
    ...(adminConsole?.routes ?? []),
  ]);
  const behindProxy = config.modules.length < MODULE_NAMES.length;
  // Only the edge limits: behind the gateway every client would share the gateway's address.
  const rateLimit = behindProxy ? undefined : await edgeRateLimit(config, logger, metrics);
  const app = createHttpApp({
    logger,
    metrics,
    healthChecks,
    isShuttingDown: () => shuttingDown,
    openApiDocument: () => openApi,
    api: adminConsole ? [adminConsole.router, api] : api,
    behindProxy,
    rateLimit: rateLimit?.middleware,
    trustedProxies: config.trustedProxies,
  });

  const tasks: BackgroundTask[] = [...events.tasks];
  for (const definition of hosted) await definition.start?.(modules.get(definition.name)!);
  for (const definition of hosted) {
    const context = modules.get(definition.name)!;
    for (const task of definition.tasks?.(context) ?? []) {
      const run = () => inModule(definition.name, () => task.run());
      tasks.push(runPeriodically(`${definition.name}:${task.name}`, task.everyMs, run, context.logger));
    }
  }
  const contracts = hosted.flatMap(({ name, contract }) =>
    contract ? [{ contract, container: modules.get(name)!.container }] : [],
  );
  const { server, port } = await listen(
    app,
    config.port,
    contractServer(contracts, { serviceTokens, logger, metrics, inboundBulkhead: inbound }),
  );
  logger.info(
    { port, modules: config.modules, eventBus: config.eventBus, database: config.databaseUrl ? 'postgres' : 'sqlite' },
    'listening',
  );
  // Registered only now that it serves, so no caller is sent here before the port is open.
  discovery?.register(config.modules, port);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    container: root,
    modules,
    bus,
    metrics,
    traces: tracing.traces,
    async stop() {
      if (shuttingDown) return;
      shuttingDown = true;
      // Out of the registry before the drain: callers stop choosing this instance while it finishes.
      await discovery?.deregister();
      await closeServer(server);
      for (const task of tasks.reverse()) await task.stop();
      await bus.close();
      rateLimit?.close();
      await adminConsole?.close();
      await discovery?.close();
      await Promise.all([...upstreams.values()].map((upstream) => upstream.close()));
      for (const context of modules.values()) await context.db.close();
      await tracing.stop();
      logger.info('stopped');
    },
  };
}
