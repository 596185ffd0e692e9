import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { Config, ModuleName } from './config.js';
import type { Migration } from './database.js';
import type { ModuleDb } from './database.js';
import type { EventDefinition, EventEnvelope } from './event.js';
import type { HealthCheck } from './health-check.js';
import type { AnyRoute } from './route.js';
import type { Logger } from './logger.js';
import type { Contract, ContractVersions } from './contract.js';

/** What a module gets when it is hosted by this process. */
export interface ModuleContext {
  name: ModuleName;
  config: Config;
  logger: Logger;
  db: ModuleDb;
  /** The module's own child container: internals live here; only contract tokens are visible outside. */
  container: DependencyContainer;
  /** Makes a provider visible to the whole process (the contract token, a platform port). */
  expose<T>(token: InjectionToken<T>, factory: (container: DependencyContainer) => T): void;
}

/** An event this module reacts to; the handler resolves its use case from the module's container. */
export interface EventSubscription<E extends EventDefinition = EventDefinition> {
  event: E;
  handle(envelope: EventEnvelope<ReturnType<E['schema']['parse']>>, container: DependencyContainer): Promise<void>;
}

/** Background work running while the process is up (tasks, outbox relays); stopped on shutdown. */
export interface BackgroundTask {
  stop(): Promise<void>;
}

/**
 * A chore a module repeats while hosted (sweepers, recovery, retries). The host runs it once at
 * start, then `everyMs` after each run ends (runs never overlap), logs a failed run, and waits for
 * the run in progress on shutdown.
 */
export interface ModuleTask {
  name: string;
  everyMs: number;
  run(): Promise<unknown>;
}

/**
 * Everything the host needs to run a module in this process or to reach it in another one.
 * Declarative parts (contract, routes, events) are static, so a gateway or a remote caller can
 * use them without hosting the module.
 */
export interface ModuleDefinition {
  name: ModuleName;
  /** The synchronous API other modules may call (absent for modules nobody calls). */
  contract?: Contract;
  /** Modules whose contracts this one calls: each must be hosted here or have a `<NAME>_URL`. */
  requires: ModuleName[];
  migrations: Migration[];
  /**
   * PostgreSQL extensions the migrations need (e.g. `pg_trgm`), created by the host as the connecting
   * user before migrating: the module's own role may not create extensions.
   */
  postgresExtensions?: string[];
  routes: AnyRoute[];
  /** Events this module publishes through its outbox. */
  publishes: EventDefinition[];
  subscriptions: EventSubscription[];
  /** DI registrations into the module's container; must register the contract's implementation. */
  register(context: ModuleContext): void;
  /** One-off work once every hosted module is registered and migrated, before tasks start and the port opens. */
  start?(context: ModuleContext): Promise<void>;
  /** The module's periodic chores; `run` resolves what it needs from `context.container`. */
  tasks?(context: ModuleContext): ModuleTask[];
  /** Readiness checks beyond the database (which the host checks for every module). */
  healthChecks?(context: ModuleContext): HealthCheck[];
}

export const defineModule = (definition: ModuleDefinition): ModuleDefinition => definition;

/** The contract versions of a process hosting `hosted`, built with every definition in `all`. */
export function contractVersionsOf(hosted: ModuleDefinition[], all: ModuleDefinition[]): ContractVersions {
  const versionOf = (name: ModuleName) => all.find((definition) => definition.name === name)?.contract?.version;
  const entries = (names: ModuleName[]) =>
    Object.fromEntries(names.flatMap((name) => (versionOf(name) ? [[name, versionOf(name)!]] : [])));
  const hostedNames = hosted.map((definition) => definition.name);
  const called = hosted.flatMap((definition) => definition.requires).filter((name) => !hostedNames.includes(name));
  return { serves: entries(hostedNames), calls: entries([...new Set(called)].sort()) };
}
