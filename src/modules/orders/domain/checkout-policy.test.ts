import { describe, expect, it } from 'vitest';
import { chargeDeadline, chargeKeyOf, IN_PROGRESS_RETRY, retryDelayMs, SETTLE_RETRY } from './checkout-policy.js';

describe('checkout policy', () => {
  it('derives one charge key per order', () => expect(chargeKeyOf('o-1')).toBe('order:o-1'));

  it('doubles the longest retry delay from 0.5 s up to 15 s, and jitters each below it, in whole ms', () => {
    const delays = (random: number) =>
      [0, 1, 2, 4, 5, 100, 5000].map((attempts) => retryDelayMs(attempts, SETTLE_RETRY, random));
    expect(delays(0.999_999)).toEqual([500, 1000, 2000, 8000, 15_000, 15_000, 15_000]);
    expect(delays(0.5)).toEqual([250, 500, 1000, 4000, 7500, 7500, 7500]);
    expect(delays(0.3333)).toEqual([167, 333, 667, 2666, 5000, 5000, 5000]);
    expect(delays(0)).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('asks about a charge in progress again within 2 s, however many attempts came before', () => {
    expect([0, 1, 2, 10].map((attempts) => retryDelayMs(attempts, IN_PROGRESS_RETRY, 0.999_999))).toEqual([
      500, 1000, 2000, 2000,
    ]);
  });

  it('stops charging before the reservation can expire', () => {
    const created = '2026-01-01T00:00:00.000Z';
    expect(chargeDeadline(created, 15 * 60_000) - Date.parse(created)).toBe(15 * 60_000 - 30_000);
    expect(chargeDeadline(created, 10_000) - Date.parse(created)).toBe(9_000);
  });
});
