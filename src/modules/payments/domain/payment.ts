/** What became of a charge: captured money, a refusal by the provider, or money given back. */
export type PaymentStatus = 'captured' | 'declined' | 'refunded';

export interface Payment {
  id: string;
  /** Unique: the same key always designates this payment, however often `charge` is called. */
  idempotencyKey: string;
  orderId: string;
  userId: string;
  amountCents: number;
  currency: string;
  status: PaymentStatus;
  /** The provider's id for the charge, needed to refund it. */
  providerReference: string;
  declineReason: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a refund request means for a payment in a given state (refunds are idempotent). */
export type RefundDecision = 'refund' | 'already_refunded' | 'not_refundable';

export function refundDecision(status: PaymentStatus): RefundDecision {
  switch (status) {
    case 'captured':
      return 'refund';
    case 'refunded':
      return 'already_refunded';
    case 'declined':
      return 'not_refundable';
  }
}

export interface Viewer {
  userId: string;
  isAdmin: boolean;
}

/** Only the payer and admins may see a payment; to anyone else it does not exist. */
export const canView = (payment: Pick<Payment, 'userId'>, viewer: Viewer): boolean =>
  viewer.isAdmin || payment.userId === viewer.userId;
