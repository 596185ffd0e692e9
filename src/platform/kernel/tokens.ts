import type { InjectionToken } from 'tsyringe';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/**
 * What the host registers in every module's own container (see also db/db.tokens.ts): a module
 * injects these, never a token of its own for the same thing.
 */
export const CONFIG: InjectionToken<Config> = Symbol('CONFIG');
/** The module's logger (its lines carry `module`). */
export const LOGGER: InjectionToken<Logger> = Symbol('LOGGER');
