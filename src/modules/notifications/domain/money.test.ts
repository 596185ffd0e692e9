import { describe, expect, it } from 'vitest';
import { formatMoney } from './money.js';

describe('formatMoney', () => {
  it('formats cents in their currency', () => {
    expect(formatMoney(1234, 'USD')).toBe('$12.34');
    expect(formatMoney(5, 'USD')).toBe('$0.05');
    expect(formatMoney(123456789, 'EUR')).toBe('€1,234,567.89');
  });

  it('uses the currency minor unit (JPY has none)', () => {
    expect(formatMoney(500, 'JPY')).toBe('¥500');
  });

  it('falls back to "amount code" for a code Intl does not know', () => {
    expect(formatMoney(1999, 'X1')).toBe('19.99 X1');
  });
});
