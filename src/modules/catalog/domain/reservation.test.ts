import { describe, expect, it } from 'vitest';
import { holdExpiry, normalizeLines, sweepIntervalMs } from './reservation.js';

describe('normalizeLines', () => {
  it('merges duplicate products and sorts by product id', () => {
    expect(
      normalizeLines([
        { productId: 'b', quantity: 1 },
        { productId: 'a', quantity: 2 },
        { productId: 'b', quantity: 3 },
      ]),
    ).toEqual([
      { productId: 'a', quantity: 2 },
      { productId: 'b', quantity: 4 },
    ]);
  });
});

describe('holdExpiry', () => {
  it('adds the TTL to now', () => {
    expect(holdExpiry(new Date('2024-01-01T00:00:00.000Z'), 15 * 60_000)).toBe('2024-01-01T00:15:00.000Z');
  });
});

describe('sweepIntervalMs', () => {
  it('sweeps four times per TTL, at most every 30 s', () => {
    expect(sweepIntervalMs(1000)).toBe(250);
    expect(sweepIntervalMs(15 * 60_000)).toBe(30_000);
  });
});
