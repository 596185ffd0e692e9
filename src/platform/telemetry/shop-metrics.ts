import { Counter, Histogram, type Registry } from 'prom-client';
import { ATTR } from './span-attributes.js';
import { inSpan } from './spans.js';

/** DI token (root container) of the process's {@link ShopMetrics}. */
export const SHOP_METRICS = Symbol('SHOP_METRICS');

function reuse<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

/**
 * The shop's own series beside the platform's: checkouts by outcome, saga steps (each also a span,
 * searchable by order id) and idempotency replays. Several hosts in one test process may share a
 * registry, so a series already registered is reused.
 */
export class ShopMetrics {
  private readonly checkouts: Counter<'outcome'>;
  private readonly replays: Counter<'module'>;
  private readonly steps: Histogram<'step' | 'outcome'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.checkouts = reuse(
      registry,
      'shop_checkouts_total',
      () =>
        new Counter({
          name: 'shop_checkouts_total',
          help: 'Checkouts answered, by outcome (confirmed, payment_pending, or the refusal code)',
          labelNames: ['outcome'],
          registers,
        }),
    );
    this.replays = reuse(
      registry,
      'shop_idempotency_replays_total',
      () =>
        new Counter({
          name: 'shop_idempotency_replays_total',
          help: 'Requests answered with the stored answer of an earlier request with the same Idempotency-Key',
          labelNames: ['module'],
          registers,
        }),
    );
    this.steps = reuse(
      registry,
      'shop_saga_step_duration_seconds',
      () =>
        new Histogram({
          name: 'shop_saga_step_duration_seconds',
          help: 'Duration of checkout saga steps, by step and outcome (ok or error)',
          labelNames: ['step', 'outcome'],
          buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
          registers,
        }),
    );
  }

  checkoutAnswered(outcome: string): void {
    this.checkouts.inc({ outcome });
  }

  replayed(module: string): void {
    this.replays.inc({ module });
  }

  /**
   * Replaces the `steps` methods of `saga` with ones that run each call as {@link step}: the saga's
   * own code stays free of timing, and every driver (live request, recovery, cancel) is covered.
   */
  traceSteps<S extends object, A>(saga: S, steps: (keyof S & string)[], orderIdOf: (first: A) => string): void {
    const methods = saga as Record<string, (first: A, ...rest: unknown[]) => Promise<unknown>>;
    for (const name of steps) {
      const method = methods[name].bind(saga);
      methods[name] = (first, ...rest) => this.step(name, orderIdOf(first), () => method(first, ...rest));
    }
  }

  /** Runs one saga step of `orderId` in a span `saga <step>` and times it. */
  async step<T>(step: string, orderId: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let outcome = 'error';
    try {
      const result = await inSpan(`saga ${step}`, { attributes: { [ATTR.orderId]: orderId } }, work);
      outcome = 'ok';
      return result;
    } finally {
      this.steps.observe({ step, outcome }, (performance.now() - started) / 1000);
    }
  }
}
