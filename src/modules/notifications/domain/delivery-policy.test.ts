import { describe, expect, it } from 'vitest';
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs } from './delivery-policy.js';

describe('retryDelayMs', () => {
  it('doubles from one second after each failed attempt', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000]);
  });

  it(`gives up after ${MAX_DELIVERY_ATTEMPTS} attempts`, () => {
    expect(retryDelayMs(MAX_DELIVERY_ATTEMPTS - 1)).toBeGreaterThan(0);
    expect(retryDelayMs(MAX_DELIVERY_ATTEMPTS)).toBeUndefined();
  });
});
