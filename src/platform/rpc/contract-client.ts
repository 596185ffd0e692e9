import { currentContext, formatTraceparent } from '../context.js';
import { AppError, isErrorCode } from '../errors.js';
import type { Metrics } from '../http/metrics.js';
import { validate } from '../http/validation.js';
import type { Logger } from '../logger.js';
import { createBreaker } from '../resilience/circuit-breaker.js';
import { retry } from '../resilience/retry.js';
import type { ApiOf, Contract, OperationManifest } from './contract.js';
import { operationPath } from './contract-routes.js';
import type { ServiceTokens } from './service-token.js';

export interface ClientDeps {
  logger: Logger;
  metrics: Metrics;
  serviceTokens?: ServiceTokens;
  timeoutMs?: number;
}

/** A failure that says the remote instance could not answer (network, timeout, 5xx): retryable, trips the breaker. */
class TransportError extends Error {}

async function toError(response: Response, contract: Contract): Promise<Error> {
  const problem = (await response.json().catch(() => ({}))) as { code?: unknown; detail?: string; errors?: [] };
  if (
    response.status < 500 &&
    isErrorCode(problem.code) &&
    (contract.errors.includes(problem.code) || problem.code === 'validation_failed')
  ) {
    return new AppError(problem.code, problem.detail ?? problem.code, { errors: problem.errors });
  }
  return new TransportError(`${contract.module} answered ${response.status} ${String(problem.code ?? '')}`.trim());
}

/**
 * Implements a contract by calling the module that hosts it over HTTP: inputs and outputs are
 * validated with the contract's schemas, identity and trace context travel along, every call has a
 * timeout, idempotent operations are retried with backoff, and a breaker fails fast while the
 * module is down. Typed errors come back as the same AppError.
 */
export function createContractClient<M extends OperationManifest>(
  contract: Contract<M>,
  baseUrls: string[],
  deps: ClientDeps,
): ApiOf<M> {
  const timeoutMs = deps.timeoutMs ?? 3000;
  const breaker = createBreaker({
    name: contract.module,
    logger: deps.logger,
    registry: deps.metrics.registry,
    isHealthyFailure: (error) => error instanceof AppError,
  });
  let next = 0;

  async function post(operation: string, input: unknown): Promise<unknown> {
    const baseUrl = baseUrls[next++ % baseUrls.length];
    const context = currentContext();
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (deps.serviceTokens) headers['x-internal-token'] = await deps.serviceTokens.current();
    if (context) Object.assign(headers, { traceparent: formatTraceparent(context), 'x-request-id': context.requestId });
    let response: Response;
    try {
      response = await fetch(new URL(operationPath(contract.module, operation), baseUrl), {
        method: 'POST',
        headers,
        body: JSON.stringify({ input }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new TransportError(`${contract.module}.${operation} unreachable: ${(error as Error).message}`);
    }
    if (!response.ok) throw await toError(response, contract);
    return ((await response.json()) as { output: unknown }).output;
  }

  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [name, operation] of Object.entries(contract.operations)) {
    api[name] = async (input) => {
      // Same failure as in-process: a caller's bad input is its own 400, never a transport error.
      const body = validate(operation.input, input, 'body');
      const attempts = operation.idempotent ? 3 : 1;
      try {
        const output = await retry(() => breaker.fire(() => post(name, body)), {
          attempts,
          baseDelayMs: 50,
          maxDelayMs: 500,
          retryable: (error) => error instanceof TransportError,
        });
        return operation.output.parse(output);
      } catch (error) {
        if (error instanceof TransportError) throw new AppError('service_unavailable', error.message);
        throw error;
      }
    };
  }
  return api as ApiOf<M>;
}
