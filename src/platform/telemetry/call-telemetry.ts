import type { Attributes } from '@opentelemetry/api';
import type { Counter, Histogram, Registry } from 'prom-client';
import { AppError } from '../kernel/errors.js';
import type { ApiOf, Contract, OperationManifest } from '../kernel/contract.js';
import { counter, histogram } from './metrics.js';
import { ATTR } from './span-attributes.js';
import { currentModule, inSpan, SpanKind } from './spans.js';

/** How a contract call travels: in this process, or over HTTP to another. */
export type Transport = 'local' | 'remote';

/** DI token (root container) of the process's {@link CallTelemetry}. */
export const CALL_TELEMETRY = Symbol('CALL_TELEMETRY');

/** A call's span on both sides, client and server: `<module>/<operation>`, as RPC spans are named. */
export function operationSpan(callee: string, operation: string, transport: Transport) {
  const attributes: Attributes = {
    [ATTR.callee]: callee,
    [ATTR.operation]: operation,
    [ATTR.transport]: transport,
    'rpc.system': 'shop',
  };
  return { name: `${callee}/${operation}`, module: callee, operation, attributes };
}

type OperationSpan = ReturnType<typeof operationSpan>;

type Labels = 'caller' | 'callee' | 'operation' | 'transport' | 'outcome';

const outcomeOf = (error: unknown) => (error instanceof AppError ? error.code : 'error');

/**
 * Contract calls as the caller sees them, the same way whichever way they travel: a client span,
 * and `shop_operation_calls_total` / `shop_operation_duration_seconds` by caller, callee,
 * operation, transport and outcome (`ok` or the error code).
 */
export class CallTelemetry {
  private readonly calls: Counter<Labels>;
  private readonly duration: Histogram<Labels>;

  constructor(registry: Registry) {
    const labelNames = ['caller', 'callee', 'operation', 'transport', 'outcome'] as const;
    this.calls = counter(registry, {
      name: 'shop_operation_calls_total',
      help: 'Contract calls between modules, by caller, callee, operation, transport and outcome',
      labelNames,
    });
    this.duration = histogram(registry, {
      name: 'shop_operation_duration_seconds',
      help: 'Duration of contract calls between modules as their caller saw it',
      labelNames,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    });
  }

  /**
   * Wraps every operation of `api`: a client span in the caller's module and one observation; a
   * local call also gets the callee's server span (a remote one gets it from the callee's process).
   */
  traced<M extends OperationManifest>(contract: Contract<M>, api: ApiOf<M>, transport: Transport): ApiOf<M> {
    const own = api as Record<string, (input: unknown) => Promise<unknown>>;
    const traced: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const operation of Object.keys(contract.operations)) {
      const span = operationSpan(contract.module, operation, transport);
      const call =
        transport === 'local'
          ? (input: unknown) =>
              inSpan(span.name, { kind: SpanKind.SERVER, module: span.module, attributes: span.attributes }, () =>
                own[operation](input),
              )
          : own[operation];
      traced[operation] = (input) => this.observe(span, transport, () => call(input));
    }
    return traced as ApiOf<M>;
  }

  private async observe<T>(span: OperationSpan, transport: Transport, work: () => Promise<T>): Promise<T> {
    const labels = {
      caller: currentModule(),
      callee: span.module,
      operation: span.operation,
      transport,
      outcome: 'ok',
    };
    const started = performance.now();
    try {
      return await inSpan(span.name, { kind: SpanKind.CLIENT, attributes: span.attributes }, work);
    } catch (error) {
      labels.outcome = outcomeOf(error);
      throw error;
    } finally {
      this.calls.inc(labels);
      this.duration.observe(labels, (performance.now() - started) / 1000);
    }
  }
}
