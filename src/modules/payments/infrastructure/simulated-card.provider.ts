import { createHash } from 'node:crypto';
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

// Derived from the reference, so repeating a call yields the same provider id: idempotent like a real provider.
const providerId = (prefix: string, reference: string) =>
  `${prefix}_${createHash('sha256').update(reference).digest('base64url').slice(0, 24)}`;

/**
 * A card provider without a network: `tok_chargeDeclined` is declined, any other `tok_…` token is
 * approved, and anything else is declined as an invalid token (a refusal, never an error).
 */
export class SimulatedCardProvider implements PaymentProvider {
  async authorizeAndCapture({ token, reference }: CaptureRequest): Promise<CaptureResult> {
    const providerReference = providerId('sim_ch', reference);
    if (!VALID_TOKEN.test(token)) return { approved: false, providerReference, declineReason: 'invalid_token' };
    if (token === DECLINED_TOKEN) return { approved: false, providerReference, declineReason: 'card_declined' };
    return { approved: true, providerReference };
  }

  async refund({ reference }: RefundRequest): Promise<RefundResult> {
    return { providerReference: providerId('sim_re', reference) };
  }
}
