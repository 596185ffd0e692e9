import type { CartLine } from '../domain/pricing.js';

export interface PlaceOrderCommand {
  userId: string;
  /** As the client sent them (duplicates are merged by the handler). */
  items: CartLine[];
  paymentToken: string;
  /** Set when the id must be known before the checkout starts (idempotency records). */
  orderId?: string;
}
