import { parseContractVersion, servesCaller, UNSTATED_CONTRACT_VERSION, type Contract } from '../kernel/contract.js';
import { AppError } from '../kernel/errors.js';

/**
 * On a call: the version of the callee's contract its caller was built against. On the answer: the
 * version the callee serves. A call without it comes from a build older than contract versions,
 * which is taken as {@link UNSTATED_CONTRACT_VERSION}.
 */
export const CONTRACT_VERSION_HEADER = 'x-contract-version';

/**
 * The callee's side: a caller of another major is refused before any work is done, with a 503
 * problem naming both versions. 503 and not 409: nothing is wrong with the request or the state
 * it targets, this instance cannot serve this caller and another instance (of the caller's major)
 * can; callers treat it as "this instance is unavailable", move on to the next instance and never
 * count it against the instance's breaker.
 */
export function assertServesCaller(contract: Contract, stated: string | undefined): void {
  const caller = stated ?? UNSTATED_CONTRACT_VERSION;
  let served: boolean;
  try {
    served = servesCaller(contract.version, caller);
  } catch {
    throw new AppError('validation_failed', `${CONTRACT_VERSION_HEADER} "${caller}" is not MAJOR.MINOR (e.g. 1.0)`);
  }
  if (served) return;
  const { major } = parseContractVersion(caller);
  throw new AppError(
    'service_unavailable',
    `${contract.module} here serves contract ${contract.version}; this caller was built against ` +
      `${contract.module} ${caller}, another major: it needs an instance serving ${contract.module} ${major}.x`,
    { extra: { contract: contract.module, served: contract.version, caller } },
  );
}

/** The caller's side: a 503 stamped with a version of another major is a refusal (see assertServesCaller). */
export function isRefusal(statusCode: number, headers: Record<string, unknown>, own: Contract): boolean {
  const served = headers[CONTRACT_VERSION_HEADER];
  if (statusCode !== 503 || typeof served !== 'string') return false;
  try {
    return !servesCaller(served, own.version);
  } catch {
    return false;
  }
}
