/**
 * Saga states of an order. Clients see four of them (see `publicStatus`): the others are steps of a
 * checkout or cancellation in progress, or a rejected checkout that never became an order.
 */
export type OrderStatus =
  'pending' | 'payment_pending' | 'confirmed' | 'payment_failed' | 'cancelling' | 'cancelled' | 'rejected';

export type PublicOrderStatus = 'confirmed' | 'payment_pending' | 'payment_failed' | 'cancelled';

/** A priced line: a snapshot of the catalog at checkout time, never a price sent by the client. */
export interface OrderLine {
  productId: string;
  sku: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
  lineTotalCents: number;
}

export interface Order {
  id: string;
  userId: string;
  status: OrderStatus;
  lines: OrderLine[];
  totalCents: number;
  currency: string;
  paymentId: string | null;
  /** Kept only while a charge may still be (re)tried; cleared once the order is final. */
  paymentToken: string | null;
  /** Why a checkout was rejected or failed (an API error code or a payment-failure reason). */
  failureCode: string | null;
  /** Background attempts so far; spaces out retries. */
  attempts: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Who drives an unfinished order, and until when. A driver that dies simply stops renewing it: once
 * `until` (epoch ms) has passed, the recovery claims the order with a conditional update.
 */
export interface SagaLease {
  owner: string;
  until: number;
}
