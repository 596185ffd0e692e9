import type { Registry } from 'prom-client';
import type { InjectionToken } from 'tsyringe';
import type { Logger } from './logger.js';

/**
 * What the host registers in every module's own container (see also db/db.tokens.ts): a module
 * injects these, never a token of its own for the same thing. (Its settings it injects under the
 * token its settings slice declares.)
 */

/** The module's logger (its lines carry `module`). */
export const LOGGER: InjectionToken<Logger> = Symbol('LOGGER');
/**
 * The process's prom-client registry, registered by the host in the root container (every module's
 * container sees it): a module registers its own series there, served on /metrics.
 */
export const METRICS_REGISTRY: InjectionToken<Registry> = Symbol('METRICS_REGISTRY');
