import type { DependencyContainer, InjectionToken } from 'tsyringe';
import type { Config, ModuleName } from './config.js';
import type { Migration } from './database.js';
import type { ModuleDb } from './database.js';
import type { EventDefinition, EventEnvelope } from './event.js';
import type { HealthCheck } from './health-check.js';
import type { AnyRoute } from './route.js';
import type { Logger } from './logger.js';
import type { Contract, ContractVersions } from './contract.js';
import type { ModuleSettings } from './settings.js';

/** What a module gets when it is hosted by this process; `S` is its settings object. */
export interface ModuleContext<S = unknown> {
  name: ModuleName;
  config: Config;
  /** The module's own settings (also in its container under the token its slice declares). */
  settings: S;
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
export interface ModuleDefinition<S = unknown> {
  name: ModuleName;
  /** The environment variables the module reads, composed into the configuration at startup. */
  settings?: ModuleSettings<S>;
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
  register(context: ModuleContext<S>): void;
  /** One-off work once every hosted module is registered and migrated, before tasks start and the port opens. */
  start?(context: ModuleContext<S>): Promise<void>;
  /** The module's periodic chores; `run` resolves what it needs from `context.container`. */
  tasks?(context: ModuleContext<S>): ModuleTask[];
  /** Readiness checks beyond the database (which the host checks for every module). */
  healthChecks?(context: ModuleContext<S>): HealthCheck[];
  /**
   * Whether, so configured, the module wants its public reads kept in the gateway's shared cache.
   * The gateway keeps one (for every public GET, each as its own Cache-Control allows) while any
   * module does.
   */
  sharedCache?(settings: S): boolean;
}

export const defineModule = <S>(definition: ModuleDefinition<S>): ModuleDefinition<S> => definition;

/** The module's settings as the config loader parsed them (main gives it every module definition). */
export function settingsOf<S>(definition: ModuleDefinition<S>, config: Config): S {
  if (definition.settings && !Object.hasOwn(config.settings, definition.name))
    throw new Error(`The settings of module ${definition.name} were not loaded: pass its definition to loadConfig`);
  return config.settings[definition.name] as S;
}

/** The contract versions of a process hosting `hosted`, built with every definition in `all`. */
export function contractVersionsOf(hosted: ModuleDefinition[], all: ModuleDefinition[]): ContractVersions {
  const versionOf = (name: ModuleName) => all.find((definition) => definition.name === name)?.contract?.version;
  const entries = (names: ModuleName[]) =>
    Object.fromEntries(names.flatMap((name) => (versionOf(name) ? [[name, versionOf(name)!]] : [])));
  const hostedNames = hosted.map((definition) => definition.name);
  const called = hosted.flatMap((definition) => definition.requires).filter((name) => !hostedNames.includes(name));
  return { serves: entries(hostedNames), calls: entries([...new Set(called)].sort()) };
}
