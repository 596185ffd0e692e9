import { describe, expect, it } from 'vitest';
import { chargeDeadline, chargeKeyOf, retryDelayMs } from './checkout-policy.js';

describe('checkout policy', () => {
  it('derives one charge key per order', () => expect(chargeKeyOf('o-1')).toBe('order:o-1'));

  it('doubles the retry delay from 0.5 s up to 30 s', () => {
    expect([0, 1, 2, 5, 6, 100].map(retryDelayMs)).toEqual([500, 1000, 2000, 16_000, 30_000, 30_000]);
  });

  it('stops charging before the reservation can expire', () => {
    const created = '2026-01-01T00:00:00.000Z';
    expect(chargeDeadline(created, 15 * 60_000) - Date.parse(created)).toBe(15 * 60_000 - 30_000);
    expect(chargeDeadline(created, 10_000) - Date.parse(created)).toBe(9_000);
  });
});
