import { describe, expect, it } from 'vitest';
import type { OrderStatus } from './order.js';
import { canTransition, isUnfinished, publicStatus } from './order-status.js';

describe('order status', () => {
  it('shows clients four statuses and hides rejected checkouts', () => {
    const all: OrderStatus[] = [
      'pending',
      'payment_pending',
      'confirmed',
      'payment_failed',
      'cancelling',
      'cancelled',
      'rejected',
    ];
    expect(all.map(publicStatus)).toEqual([
      'payment_pending',
      'payment_pending',
      'confirmed',
      'payment_failed',
      'cancelled',
      'cancelled',
      undefined,
    ]);
  });

  it('allows cancelling only from confirmed, and nothing out of a final state', () => {
    expect(canTransition('confirmed', 'cancelling')).toBe(true);
    expect(canTransition('payment_pending', 'cancelling')).toBe(false);
    for (const final of ['payment_failed', 'cancelled', 'rejected'] as const)
      expect(canTransition(final, 'confirmed')).toBe(false);
    expect(canTransition('confirmed', 'payment_failed')).toBe(false);
    expect((['pending', 'payment_pending', 'cancelling'] as const).every(isUnfinished)).toBe(true);
    expect(isUnfinished('confirmed')).toBe(false);
  });
});
