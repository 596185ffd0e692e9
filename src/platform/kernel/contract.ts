import type { InjectionToken } from 'tsyringe';
import type { z } from 'zod';
import type { ModuleName } from './config.js';
import type { ErrorVocabulary } from './errors.js';

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

/**
 * `MAJOR.MINOR` of a contract (API.md "Evolving modules independently"). Within a major only
 * compatible changes: new operations, optional input fields, output fields, events (raise the
 * minor). Anything removed, renamed, narrowed or made required raises the major; a callee serves
 * callers of its own major only. `npm run contracts:check` holds the code to this.
 */
export type ContractVersion = `${number}.${number}`;

/** A module's synchronous contract: the DI token others resolve and the manifest remote adapters are built from. */
export interface Contract<M extends OperationManifest = OperationManifest> {
  module: ModuleName;
  version: ContractVersion;
  token: InjectionToken<ApiOf<M>>;
  operations: M;
  /** The error codes its module fails with, and their status; a remote adapter rebuilds exactly these as AppErrors. */
  errors: ErrorVocabulary;
}

export const defineContract = <M extends OperationManifest>(
  module: ModuleName,
  version: ContractVersion,
  token: InjectionToken<ApiOf<M>>,
  operations: M,
  errors: ErrorVocabulary,
): Contract<M> => ({ module, version: parseContractVersion(version).text, token, operations, errors });

export interface ParsedVersion {
  major: number;
  minor: number;
  text: ContractVersion;
}

/** `2.1` → { major: 2, minor: 1 }; anything else (`2`, `2.1.0`, `v2`) is a mistake, thrown at once. */
export function parseContractVersion(version: string): ParsedVersion {
  const match = /^(0|[1-9]\d*)\.(0|[1-9]\d*)$/.exec(version);
  if (!match) throw new Error(`contract version "${version}" is not MAJOR.MINOR (e.g. 1.0)`);
  return { major: Number(match[1]), minor: Number(match[2]), text: version as ContractVersion };
}

/** A callee at `served` serves a caller built against `caller` when both have the same major. */
export const servesCaller = (served: string, caller: string): boolean =>
  parseContractVersion(served).major === parseContractVersion(caller).major;

/**
 * The version a caller is taken to be built against when it does not say: builds from before
 * contracts had versions, which is where every contract started.
 */
export const UNSTATED_CONTRACT_VERSION: ContractVersion = '1.0';

/** What a process states about its contracts: the versions it serves, and those it was built to call. */
export interface ContractVersions {
  serves: Record<string, ContractVersion>;
  calls: Record<string, ContractVersion>;
}
