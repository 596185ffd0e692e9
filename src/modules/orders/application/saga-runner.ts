import { inject, injectable } from 'tsyringe';
import { ATTR } from '../../../platform/telemetry/span-attributes.js';
import { inSpan } from '../../../platform/telemetry/spans.js';
import { CHECKOUT_METRICS, type CheckoutMetrics } from './ports/checkout-metrics.port.js';
import type { SagaRun } from './saga-run.js';

/**
 * A row of a saga's step table (like Medusa's createStep): the name it is traced and timed under,
 * and what it does for a run.
 */
export interface SagaStep<A extends unknown[], R> {
  readonly name: string;
  run(saga: SagaRun, ...args: A): Promise<R>;
}

/** A step whose effect lives in another module, with what undoes that effect. */
export interface CompensatedStep<A extends unknown[], R, C extends unknown[]> extends SagaStep<A, R> {
  compensate(saga: SagaRun, ...args: C): Promise<unknown>;
}

type AnyStep = SagaStep<unknown[], unknown>;

/**
 * Runs saga steps: each run is a span `saga <name>` carrying the order id, and an observation of
 * shop_saga_step_duration_seconds by step and outcome (ok, or error when it throws).
 */
@injectable()
export class SagaRunner {
  constructor(@inject(CHECKOUT_METRICS) private readonly metrics: CheckoutMetrics) {}

  /**
   * The table with every step's `run` wrapped: its callers only ever reach the wrapped one, so no
   * driver (live request, recovery, cancel) can run a step untraced.
   */
  traced<T extends { [K in keyof T]: AnyStep }>(table: T): T {
    const traced: Record<string, AnyStep> = {};
    for (const [key, step] of Object.entries(table) as Array<[string, AnyStep]>)
      traced[key] = { ...step, run: (saga, ...args) => this.run(step, saga, args) };
    return traced as T;
  }

  private async run(step: AnyStep, saga: SagaRun, args: unknown[]): Promise<unknown> {
    const started = performance.now();
    let outcome: 'ok' | 'error' = 'error';
    try {
      const attributes = { [ATTR.orderId]: saga.order.id };
      const result = await inSpan(`saga ${step.name}`, { attributes }, () => step.run(saga, ...args));
      outcome = 'ok';
      return result;
    } finally {
      this.metrics.sagaStepTook(step.name, outcome, (performance.now() - started) / 1000);
    }
  }
}
