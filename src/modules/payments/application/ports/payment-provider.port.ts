import type { InjectionToken } from 'tsyringe';

export interface CaptureRequest {
  amountCents: number;
  currency: string;
  /** The card token from the client (never stored). */
  token: string;
  /** Our idempotency key: the provider must treat calls with the same reference as one charge. */
  reference: string;
}

export interface CaptureResult {
  approved: boolean;
  /** The provider's id of this charge; the same reference yields the same id. */
  providerReference: string;
  /** Why the charge was refused (`card_declined`, `invalid_token`, ...); set when not approved. */
  declineReason?: string;
}

export interface RefundRequest {
  /** The charge to refund, as returned by {@link PaymentProvider.authorizeAndCapture}. */
  providerReference: string;
  amountCents: number;
  currency: string;
  /** Idempotency reference of the refund: the same reference refunds once. */
  reference: string;
}

export interface RefundResult {
  providerReference: string;
}

/**
 * The card provider, seen from the payments module. Both calls must be idempotent by `reference`
 * (as real providers are through their idempotency keys), because a crash between the provider's
 * answer and our commit is resolved by calling again. A refusal is a result (`approved: false`);
 * when the provider cannot answer, an adapter throws `AppError('service_unavailable')`. A call
 * should end within 15 s (an adapter times out before): that long, a charge's claim keeps other
 * instances from calling the provider again for the same key.
 */
export interface PaymentProvider {
  authorizeAndCapture(request: CaptureRequest): Promise<CaptureResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
}

export const PAYMENT_PROVIDER: InjectionToken<PaymentProvider> = Symbol('PAYMENT_PROVIDER');
