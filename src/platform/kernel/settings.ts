import type { InjectionToken } from 'tsyringe';
import { z } from 'zod';

/**
 * A module's settings: the environment variables it reads, which the config loader validates with
 * the platform's own at startup, and the typed object its code injects under `token` (the host
 * registers it in the module's container).
 */
export interface ModuleSettings<S = unknown> {
  readonly token: InjectionToken<S>;
  /** Parses the whole environment; its keys are variable names, so a mistake is reported by name. */
  readonly schema: z.ZodType<S>;
}

/**
 * Declares a module's settings slice: each variable with its parser (default and one-line error
 * message included), and how the parsed values read as the settings object.
 */
export const defineSettings = <const V extends z.ZodRawShape, S>(
  module: string,
  variables: V,
  read: (values: z.output<z.ZodObject<V>>) => S,
): ModuleSettings<S> => ({ token: Symbol(`${module} settings`), schema: z.object(variables).transform(read) });
