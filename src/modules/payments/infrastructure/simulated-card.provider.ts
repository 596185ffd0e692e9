import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  CaptureRequest,
  CaptureResult,
  PaymentProvider,
  RefundRequest,
  RefundResult,
} from '../application/ports/payment-provider.port.js';

/** The test card that is always refused (as in Stripe's test mode). */
export const DECLINED_TOKEN = 'tok_chargeDeclined';
const VALID_TOKEN = /^tok_[A-Za-z0-9_]+$/;
/** `tok_slow_<ms>`: a provider that takes that long, so slowness can be produced on demand. */
const SLOW_TOKEN = /^tok_slow_(\d{1,5})$/;
const MAX_SLOW_MS = 10_000;

/** How long a charge with `token` takes: 0 but for a `tok_slow_<ms>` token with 1 ≤ ms ≤ 10000. */
export function delayOf(token: string): number {
  const ms = Number(SLOW_TOKEN.exec(token)?.[1] ?? 0);
  return ms >= 1 && ms <= MAX_SLOW_MS ? ms : 0;
}

// Derived from the reference, so repeating a call yields the same provider id: idempotent like a real provider.
const providerId = (prefix: string, reference: string) =>
  `${prefix}_${createHash('sha256').update(reference).digest('base64url').slice(0, 24)}`;

/**
 * A card provider without a network: `tok_chargeDeclined` is declined, `tok_slow_<ms>` is approved
 * after that many milliseconds, any other `tok_…` token is approved at once, and anything else is
 * declined as an invalid token (a refusal, never an error).
 */
export class SimulatedCardProvider implements PaymentProvider {
  async authorizeAndCapture({ token, reference }: CaptureRequest): Promise<CaptureResult> {
    const providerReference = providerId('sim_ch', reference);
    if (!VALID_TOKEN.test(token)) return { approved: false, providerReference, declineReason: 'invalid_token' };
    if (token === DECLINED_TOKEN) return { approved: false, providerReference, declineReason: 'card_declined' };
    const delayMs = delayOf(token);
    if (delayMs > 0) await sleep(delayMs);
    return { approved: true, providerReference };
  }

  async refund({ reference }: RefundRequest): Promise<RefundResult> {
    return { providerReference: providerId('sim_re', reference) };
  }
}
