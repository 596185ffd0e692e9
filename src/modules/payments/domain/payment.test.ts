import { describe, expect, it } from 'vitest';
import { canView, refundDecision } from './payment.js';

describe('payment rules', () => {
  it('refunds captured payments only once and never declined ones', () => {
    expect(refundDecision('captured')).toBe('refund');
    expect(refundDecision('refunded')).toBe('already_refunded');
    expect(refundDecision('declined')).toBe('not_refundable');
  });

  it('shows a payment to its payer and to admins only', () => {
    const payment = { userId: 'u1' };
    expect(canView(payment, { userId: 'u1', isAdmin: false })).toBe(true);
    expect(canView(payment, { userId: 'admin', isAdmin: true })).toBe(true);
    expect(canView(payment, { userId: 'u2', isAdmin: false })).toBe(false);
  });
});
