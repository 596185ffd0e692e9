import { Counter, Histogram, type Registry } from 'prom-client';
import { inject, injectable } from 'tsyringe';
import { METRICS_REGISTRY } from '../../../platform/kernel/tokens.js';
import type { CheckoutMetrics } from '../application/ports/checkout-metrics.port.js';

function reuse<M>(registry: Registry, name: string, create: () => M): M {
  return (registry.getSingleMetric(name) as M | undefined) ?? create();
}

/**
 * The orders module's series in the process's registry: checkouts by outcome, idempotency replays
 * and saga step durations (each step is also a span, see SagaRunner). Several hosts in one test
 * process may share a registry, so a series already registered is reused.
 */
@injectable()
export class OrdersMetrics implements CheckoutMetrics {
  private readonly checkouts: Counter<'outcome'>;
  private readonly replays: Counter<'module'>;
  private readonly steps: Histogram<'step' | 'outcome'>;

  constructor(@inject(METRICS_REGISTRY) registry: Registry) {
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

  replayed(): void {
    this.replays.inc({ module: 'orders' });
  }

  sagaStepTook(step: string, outcome: 'ok' | 'error', seconds: number): void {
    this.steps.observe({ step, outcome }, seconds);
  }
}
