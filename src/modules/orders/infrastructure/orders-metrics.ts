import type { Counter, Histogram, Registry } from 'prom-client';
import { inject, injectable } from 'tsyringe';
import { METRICS_REGISTRY } from '../../../platform/kernel/tokens.js';
import { counter, histogram } from '../../../platform/telemetry/metrics.js';
import type { CheckoutMetrics } from '../application/ports/checkout-metrics.port.js';

/**
 * The orders module's series in the process's registry: checkouts by outcome, idempotency replays
 * and saga step durations (each step is also a span, see SagaRunner).
 */
@injectable()
export class OrdersMetrics implements CheckoutMetrics {
  private readonly checkouts: Counter<'outcome'>;
  private readonly replays: Counter<'module'>;
  private readonly steps: Histogram<'step' | 'outcome'>;

  constructor(@inject(METRICS_REGISTRY) registry: Registry) {
    this.checkouts = counter(registry, {
      name: 'shop_checkouts_total',
      help: 'Checkouts answered, by outcome (confirmed, payment_pending, or the refusal code)',
      labelNames: ['outcome'],
    });
    this.replays = counter(registry, {
      name: 'shop_idempotency_replays_total',
      help: 'Requests answered with the stored answer of an earlier request with the same Idempotency-Key',
      labelNames: ['module'],
    });
    this.steps = histogram(registry, {
      name: 'shop_saga_step_duration_seconds',
      help: 'Duration of checkout saga steps, by step and outcome (ok or error)',
      labelNames: ['step', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    });
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
