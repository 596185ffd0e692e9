import type { InjectionToken } from 'tsyringe';
import type { z } from 'zod';
import type { ModuleName } from './config.js';
import type { ErrorCode } from './errors.js';

/** One operation of a contract: its input and output schemas, and whether a retry is safe. */
export interface Operation<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
  /** True when calling twice with the same input has the effect of calling once. */
  idempotent: boolean;
}

export type OperationManifest = Record<string, Operation>;

/** The API a manifest describes: one async method per operation, taking a single input object. */
export type ApiOf<M extends OperationManifest> = {
  [K in keyof M]: (input: z.input<M[K]['input']>) => Promise<z.output<M[K]['output']>>;
};

/** A module's synchronous contract: the DI token others resolve and the manifest remote adapters are built from. */
export interface Contract<M extends OperationManifest = OperationManifest> {
  module: ModuleName;
  token: InjectionToken<ApiOf<M>>;
  operations: M;
  /** The error codes its operations fail with; a remote adapter rebuilds exactly these as AppErrors. */
  errors: readonly ErrorCode[];
}

export const defineContract = <M extends OperationManifest>(
  module: ModuleName,
  token: InjectionToken<ApiOf<M>>,
  operations: M,
  errors: readonly ErrorCode[],
): Contract<M> => ({ module, token, operations, errors });
