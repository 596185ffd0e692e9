import { describe, expect, it } from 'vitest';
import { renderOrderCancelled, renderOrderConfirmed, renderPaymentFailed, renderWelcome } from './templates.js';

describe('templates', () => {
  it('welcome greets the user by name', () => {
    const message = renderWelcome({ name: 'Ada' });
    expect(message.subject).toBe('Welcome to Modular Shop');
    expect(message.body).toContain('Hello Ada,');
  });

  it('order_confirmed lists every line with its total and the order total', () => {
    const message = renderOrderConfirmed({
      name: 'Ada',
      orderId: 'ord-1',
      currency: 'USD',
      totalCents: 2900,
      items: [
        { name: 'Blue Mug', quantity: 2, unitPriceCents: 1200, lineTotalCents: 2400 },
        { name: 'Tea', quantity: 1, unitPriceCents: 500, lineTotalCents: 500 },
      ],
    });
    expect(message.subject).toBe('Your order ord-1 is confirmed');
    expect(message.body).toContain('order ord-1');
    expect(message.body).toContain('  2 × Blue Mug at $12.00 = $24.00\n  1 × Tea at $5.00 = $5.00');
    expect(message.body).toContain('Total: $29.00');
  });

  it('order_cancelled names the refunded amount', () => {
    const message = renderOrderCancelled({ name: 'Ada', orderId: 'ord-2', currency: 'EUR', totalCents: 1050 });
    expect(message.subject).toBe('Your order ord-2 was cancelled');
    expect(message.body).toContain('€10.50 has been refunded');
  });

  it('payment_failed names the amount and the reason', () => {
    const message = renderPaymentFailed({
      name: 'Ada',
      orderId: 'ord-3',
      currency: 'USD',
      totalCents: 999,
      reason: 'card declined',
    });
    expect(message.subject).toBe('Payment for your order ord-3 failed');
    expect(message.body).toContain('$9.99');
    expect(message.body).toContain('(card declined)');
  });
});
