import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DependencyContainer } from 'tsyringe';
import { z } from 'zod';
import { runWithContext } from '../kernel/context.js';
import { AppError } from '../kernel/errors.js';
import { BODY_LIMIT } from '../http/app.js';
import type { ServiceTokenVerifier } from '../http/auth.js';
import type { ServiceTokens } from './service-token.js';
import type { Metrics } from '../telemetry/metrics.js';
import { payloadTooLarge, sendProblem } from '../http/problem.js';
import { openRequest, type OperationSpan } from '../http/request-context.js';
import { validate } from '../http/validation.js';
import type { Logger } from '../kernel/logger.js';
import { operationSpan } from '../telemetry/call-telemetry.js';
import type { Bulkhead } from '../resilience/bulkhead.js';
import { assertBudgetLeft } from '../resilience/time-budget.js';
import type { Contract } from '../kernel/contract.js';
import { assertServesCaller, CONTRACT_VERSION_HEADER } from './contract-version.js';

export const operationPath = (module: string, operation: string) => `/internal/${module}/${operation}`;

/** A hosted contract and the module container its implementation is resolved from. */
export interface HostedContract {
  contract: Contract;
  container: DependencyContainer;
}

export interface ContractServerOptions {
  serviceTokens?: ServiceTokens;
  logger: Logger;
  metrics: Metrics;
  /** The bulkhead a hosted module's work runs under, in a process shared by several modules. */
  inboundBulkhead?(module: string): Bulkhead | undefined;
}

/** Answers a module-to-module call, or returns false when the request is not one (express takes it). */
export type ContractServer = (req: IncomingMessage, res: ServerResponse) => boolean;

interface Operation {
  route: string;
  contract: Contract;
  /** The callee's server span of the call (the caller has the client span). */
  span: OperationSpan;
  /** Accepts the service tokens meant for the operation's module, and no other. */
  serviceTokens?: ServiceTokenVerifier;
  /** Validates the whole body (`{ input }`, so errors name `input.<field>`) and runs the operation. */
  call(body: unknown): Promise<unknown>;
}

/**
 * Serves the hosted contracts to remote callers: `POST /internal/<module>/<operation>` with
 * `{ input }` → `{ output }`, or a problem+json with the error's code. These calls come from other
 * modules only (a service token is required) and are the hot path of split mode, so they are
 * answered on node's http server directly: no express router, body parser or browser security
 * headers, which cost more than the work of a small operation. Input is validated with the
 * contract's schema, errors are rendered by the same problemBody as every other answer, and each
 * call runs in the caller's trace context and is logged and timed like any route. Every answer
 * states the contract version served; a caller built against another major is refused.
 */
export function contractServer(hosted: HostedContract[], options: ContractServerOptions): ContractServer {
  const operations = new Map<string, Operation>();
  for (const { contract, container } of hosted) {
    for (const [name, operation] of Object.entries(contract.operations)) {
      const route = operationPath(contract.module, name);
      const body = z.object({ input: operation.input });
      const bulkhead = options.inboundBulkhead?.(contract.module);
      const serviceTokens = options.serviceTokens?.verifierFor(contract.module);
      operations.set(route, {
        route,
        contract,
        span: operationSpan(contract.module, name, 'remote'),
        serviceTokens,
        async call(received) {
          const api = container.resolve(contract.token) as Record<string, (input: unknown) => Promise<unknown>>;
          const input = validate(body, received, 'body').input;
          // The caller's budget is spent: it has stopped waiting, so the work is not started.
          assertBudgetLeft();
          return bulkhead ? bulkhead.run(() => api[name](input)) : api[name](input);
        },
      });
    }
  }
  return (req, res) => {
    const operation = req.method === 'POST' ? operations.get(req.url ?? '') : undefined;
    if (!operation) return false;
    const { context } = openRequest(
      req,
      res,
      options.logger,
      options.metrics.httpDuration,
      () => operation.route,
      operation.span,
    );
    void runWithContext(context, () => answer(req, res, operation, options));
    return true;
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, operation: Operation, options: ContractServerOptions) {
  res.setHeader(CONTRACT_VERSION_HEADER, operation.contract.version);
  try {
    await authenticate(header(req, 'x-internal-token'), operation.serviceTokens);
    assertServesCaller(operation.contract, header(req, CONTRACT_VERSION_HEADER));
    const body = JSON.stringify({ output: await operation.call(await readJson(req)) });
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  } catch (error) {
    const known = error instanceof AppError ? error : undefined;
    if (!known) options.logger.error({ err: error, path: operation.route }, 'unhandled error');
    const problem = known ?? new AppError('internal_error', 'An unexpected error occurred; it has been logged');
    if (res.headersSent) return void res.destroy();
    sendProblem(res, problem);
  }
}

async function authenticate(token: string | undefined, verifier: ServiceTokenVerifier | undefined): Promise<void> {
  if (!token || !verifier) throw new AppError('unauthorized', 'A service token is required');
  await verifier.verify(token).catch(() => {
    throw new AppError('unauthorized', 'The service token is invalid');
  });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    throw new AppError('validation_failed', 'Send a JSON body with Content-Type: application/json');
  if (Number(req.headers['content-length'] ?? 0) > BODY_LIMIT) throw payloadTooLarge(BODY_LIMIT);
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    received += chunk.length;
    if (received > BODY_LIMIT) throw payloadTooLarge(BODY_LIMIT);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError('malformed_json', 'The request body is not valid JSON');
  }
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};
