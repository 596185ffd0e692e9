import type { OrderStatus, PublicOrderStatus } from './order.js';

/** States somebody still has to drive to an end (the recovery looks for these). */
export const UNFINISHED_STATUSES: readonly OrderStatus[] = ['pending', 'payment_pending', 'cancelling'];

const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['rejected', 'payment_pending', 'confirmed', 'payment_failed', 'pending'],
  payment_pending: ['confirmed', 'payment_failed', 'payment_pending'],
  confirmed: ['cancelling'],
  cancelling: ['cancelled', 'cancelling'],
  payment_failed: [],
  cancelled: [],
  rejected: [],
};

export const canTransition = (from: OrderStatus, to: OrderStatus): boolean => TRANSITIONS[from].includes(to);

export const isUnfinished = (status: OrderStatus): boolean => UNFINISHED_STATUSES.includes(status);

/**
 * What clients see. A checkout still deciding is "payment_pending" (it is waiting for its payment
 * to settle); a cancellation in progress is already "cancelled" (it is irrevocable and only its
 * refund/restock is still being completed). A rejected checkout is not an order: undefined.
 */
export function publicStatus(status: OrderStatus): PublicOrderStatus | undefined {
  switch (status) {
    case 'pending':
    case 'payment_pending':
      return 'payment_pending';
    case 'cancelling':
      return 'cancelled';
    case 'rejected':
      return undefined;
    default:
      return status;
  }
}
