import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { createAdminConsole } from '../console/admin-console.js';
import { queueDepthsFor } from '../console/queue-depths.js';
import { createEventBus } from '../events/create-event-bus.js';
import type { EventBus } from '../events/event-bus.js';
import { routerFor } from '../http/mount.js';
import { MODULE_NAMES, type Config, type ModuleName } from '../kernel/config.js';
import type { HealthCheck } from '../kernel/health-check.js';
import { createLogger } from '../kernel/logger.js';
import {
  contractVersionsOf,
  type BackgroundTask,
  type ModuleContext,
  type ModuleDefinition,
} from '../kernel/module.js';
import { ACCESS_TOKEN_VERIFIER, type AccessTokenVerifier } from '../kernel/principal.js';
import { METRICS_REGISTRY } from '../kernel/tokens.js';
import { contractServer } from '../rpc/contract-server.js';
import { registerRemoteContracts } from '../rpc/remote-contracts.js';
import { createServiceTokens } from '../rpc/service-token.js';
import { CALL_TELEMETRY } from '../telemetry/call-telemetry.js';
import type { Metrics } from '../telemetry/metrics.js';
import { inModule } from '../telemetry/spans.js';
import type { TraceStore } from '../telemetry/trace-store.js';
import { serviceNameFor } from '../telemetry/tracing.js';
import { eventRouting, wireEvents } from './event-wiring.js';
import { checkRequirements, hostModule } from './host-module.js';
import { runPeriodically } from './periodic-task.js';
import { openProcessShell, type Serving } from './process-shell.js';
import { registerRemoteIdentity } from './remote-identity.js';

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
  const all = config.modules.length === MODULE_NAMES.length;
  const service = serviceNameFor(config.modules, all);
  const processModule = hosted.length === 1 ? hosted[0].name : 'shop';
  const shell = await openProcessShell(config, { serviceName: service, processModule }, logger);
  const { metrics, bulkheads, calls, discovery } = shell;
  const root = rootContainer.createChildContainer();
  root.register(CALL_TELEMETRY, { useValue: calls });
  root.register(METRICS_REGISTRY, { useValue: metrics.registry });
  const serviceTokens = config.internalTokenSecret ? createServiceTokens(config.internalTokenSecret) : undefined;
  // Sharing a process, each module's work has its own limit, so one slow module cannot take it all.
  const inbound = (module: string) => (hosted.length > 1 ? bulkheads.named(`module:${module}`) : undefined);
  const deps = { logger, metrics, serviceTokens, bulkheads, calls };
  const upstreams = registerRemoteContracts(root, config, definitions, hosted, deps);
  registerRemoteIdentity(root, config, hosted, upstreams, deps);
  const versions = contractVersionsOf(hosted, definitions);
  // Only instances serving the major this build calls: two majors of a module can run side by side.
  for (const [name, upstream] of upstreams)
    if (!config.remoteUrls[name]) discovery?.follow(name, upstream, versions.calls[name]);

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
        serviceTokenVerifier: serviceTokens?.verifierFor(definition.name),
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
  ];
  let serving: Serving | undefined;
  const adminConsole = config.console
    ? createAdminConsole({
        service,
        processModule,
        hostedModules: config.modules,
        contracts: versions,
        bus: config.eventBus,
        registry: metrics.registry,
        traces: shell.tracing.traces,
        selfUrl: () => config.discovery?.advertiseUrl ?? serving?.url ?? '',
        instancesOf: (module) =>
          upstreams.get(module as ModuleName)?.urls ?? config.remoteUrls[module as ModuleName] ?? [],
        gather: false,
        container: root,
        accessTokenVerifier: verifier,
        serviceTokens,
        queues: queueDepthsFor(
          config,
          bus,
          hosted.filter((d) => d.subscriptions.length > 0).map((d) => d.name),
        ),
      })
    : undefined;

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
  serving = await shell.serve({
    api,
    routes: definitions.flatMap((definition) => definition.routes),
    healthChecks,
    adminConsole,
    behindProxy: !all,
    ahead: contractServer(contracts, { serviceTokens, logger, metrics, inboundBulkhead: inbound }),
    registerAs: config.modules,
    contracts: versions,
    describe: {
      modules: config.modules,
      eventBus: config.eventBus,
      database: config.databaseUrl ? 'postgres' : 'sqlite',
    },
    async drain() {
      for (const task of tasks.reverse()) await task.stop();
      await bus.close();
    },
    async release() {
      await Promise.all([...upstreams.values()].map((upstream) => upstream.close()));
      for (const context of modules.values()) await context.db.close();
    },
  });

  return {
    url: serving.url,
    port: serving.port,
    container: root,
    modules,
    bus,
    metrics,
    traces: shell.tracing.traces,
    stop: serving.stop,
  };
}
