import type { Histogram, Registry } from 'prom-client';
import { histogram } from '../../../platform/telemetry/metrics.js';
import type {
  CaptureRequest,
  CaptureResult,
  PaymentProvider,
  RefundRequest,
  RefundResult,
} from '../application/ports/payment-provider.port.js';

/**
 * A provider adapter with every call timed in `shop_payment_provider_duration_seconds{operation,
 * outcome}`: the provider's own latency (what a slow card costs), and, in the `_count`, how many
 * calls reached it (one per charge, however often the charge is asked).
 */
export class MeteredPaymentProvider implements PaymentProvider {
  private readonly calls: Histogram<'operation' | 'outcome'>;

  constructor(
    private readonly provider: PaymentProvider,
    registry: Registry,
  ) {
    this.calls = histogram(registry, {
      name: 'shop_payment_provider_duration_seconds',
      help: 'Calls to the payment provider, by operation (capture, refund) and outcome (approved, declined, refunded, error)',
      labelNames: ['operation', 'outcome'],
      buckets: [0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10, 30],
    });
  }

  authorizeAndCapture(request: CaptureRequest): Promise<CaptureResult> {
    return this.timed(
      'capture',
      () => this.provider.authorizeAndCapture(request),
      (result) => (result.approved ? 'approved' : 'declined'),
    );
  }

  refund(request: RefundRequest): Promise<RefundResult> {
    return this.timed(
      'refund',
      () => this.provider.refund(request),
      () => 'refunded',
    );
  }

  private async timed<T>(operation: string, call: () => Promise<T>, outcomeOf: (result: T) => string): Promise<T> {
    const started = performance.now();
    let outcome = 'error';
    try {
      const result = await call();
      outcome = outcomeOf(result);
      return result;
    } finally {
      this.calls.observe({ operation, outcome }, (performance.now() - started) / 1000);
    }
  }
}
