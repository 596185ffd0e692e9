import type { Dispatcher } from 'undici';
import { injectTraceHeaders } from '../kernel/context.js';
import { AppError, GENERIC_ERRORS, errorKindIn } from '../kernel/errors.js';
import type { Metrics } from '../telemetry/metrics.js';
import { validate } from '../http/validation.js';
import type { Logger } from '../kernel/logger.js';
import type { Bulkheads } from '../resilience/bulkhead.js';
import { retry } from '../resilience/retry.js';
import { budgetSpent } from '../resilience/time-budget.js';
import type { ApiOf, Contract, OperationManifest } from '../kernel/contract.js';
import { operationPath } from './contract-server.js';
import { CONTRACT_VERSION_HEADER, isRefusal } from './contract-version.js';
import type { ServiceTokens } from './service-token.js';
import { Upstream, UpstreamError } from '../discovery/upstream.js';

export interface ClientDeps {
  logger: Logger;
  metrics: Metrics;
  serviceTokens?: ServiceTokens;
  timeoutMs?: number;
  /** Gives each remote module its own concurrency limit (`remote:<module>`); none in unit tests. */
  bulkheads?: Bulkheads;
}

async function toError(statusCode: number, body: Dispatcher.ResponseData['body'], contract: Contract): Promise<Error> {
  const problem = (await body.json().catch(() => ({}))) as { code?: unknown; detail?: string; errors?: [] };
  // The module's vocabulary, and the 400 its schemas answer a bad input with (as in-process callers get it).
  const kind = errorKindIn({ ...contract.errors, validation_failed: GENERIC_ERRORS.validation_failed }, problem.code);
  if (kind) return new AppError(kind, problem.detail ?? kind.code, { errors: problem.errors });
  // The callee's detail says why (a refusal names both contract versions); the caller's client sees a 503.
  const why = problem.detail ? `: ${problem.detail}` : '';
  return new AppError(
    'service_unavailable',
    `${contract.module} answered ${statusCode} ${String(problem.code ?? '')}${why}`,
  );
}

/**
 * The instances of a module as its contract client (and its JWKS fetch) see them. A 5xx counts as
 * the instance failing, except 503: that is a live instance saying "not now" at once (its bulkhead
 * is full, a dependency of its own is down), and shedding load must not get it ejected as dead.
 */
export function moduleUpstream(module: string, urls: string[], deps: ClientDeps, contract?: Contract): Upstream {
  return new Upstream({
    name: module,
    urls,
    logger: deps.logger,
    registry: deps.metrics.registry,
    timeoutMs: deps.timeoutMs ?? 3000,
    isFailedAnswer: (statusCode) => statusCode >= 500 && statusCode !== 503,
    isRefusal: contract ? (response) => isRefusal(response.statusCode, response.headers, contract) : undefined,
    bulkhead: deps.bulkheads?.named(`remote:${module}`),
  });
}

/**
 * Implements a contract by calling the module that hosts it over HTTP (pooled keep-alive
 * connections, balanced over its healthy instances): inputs and outputs are validated with the
 * contract's schemas, identity, trace context and time budget travel along, every call has a
 * timeout (cut short by the budget) and runs under the module's bulkhead,
 * idempotent operations are retried with backoff, and a module with no instance able to answer
 * fails fast with `service_unavailable`. Typed errors come back as the same AppError. Each call
 * states the contract version this caller was built against; an instance refusing it (another
 * major) is passed over for the next one.
 */
export function createContractClient<M extends OperationManifest>(
  contract: Contract<M>,
  baseUrls: string[],
  deps: ClientDeps,
): { api: ApiOf<M>; upstream: Upstream } {
  const upstream = moduleUpstream(contract.module, baseUrls, deps, contract);

  async function post(operation: string, input: unknown, idempotent: boolean): Promise<unknown> {
    const headers = injectTraceHeaders({
      'content-type': 'application/json',
      [CONTRACT_VERSION_HEADER]: contract.version,
    });
    if (deps.serviceTokens) headers['x-internal-token'] = await deps.serviceTokens.forCallee(contract.module);
    const response = await upstream.request({
      method: 'POST',
      path: operationPath(contract.module, operation),
      headers,
      body: JSON.stringify({ input }),
      idempotent,
    });
    if (response.statusCode >= 300) throw await toError(response.statusCode, response.body, contract);
    return ((await response.body.json()) as { output: unknown }).output;
  }

  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [name, operation] of Object.entries(contract.operations)) {
    api[name] = async (input) => {
      // Same failure as in-process: a caller's bad input is its own 400, never a transport error.
      const body = validate(operation.input, input, 'body');
      const attempts = operation.idempotent ? 3 : 1;
      try {
        const output = await retry(() => post(name, body, operation.idempotent), {
          attempts,
          baseDelayMs: 50,
          maxDelayMs: 500,
          // A retry after the caller's budget is spent would answer nobody.
          retryable: (error) => error instanceof UpstreamError && !error.allOpen && !budgetSpent(),
        });
        const parsed = operation.output.safeParse(output);
        if (parsed.success) return parsed.data;
        // E.g. a field this build's minor added, from an instance of an older minor: a clear 503, not a 500.
        throw new AppError(
          'service_unavailable',
          `${contract.module} ${name} answered with an output that does not fit contract ${contract.version}: ` +
            parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; '),
        );
      } catch (error) {
        if (error instanceof UpstreamError)
          throw new AppError('service_unavailable', error.message, error.allOpen ? { retryAfterSeconds: 5 } : {});
        throw error;
      }
    };
  }
  return { api: api as ApiOf<M>, upstream };
}
