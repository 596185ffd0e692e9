import { describe, expect, it } from 'vitest';
import { ExpiringCache } from './expiring-cache.js';

describe('ExpiringCache', () => {
  it('returns a value until its deadline and forgets it after', () => {
    const cache = new ExpiringCache<number>(10);
    cache.set('a', 1, 1_000);
    expect(cache.get('a', 999)).toBe(1);
    expect(cache.get('a', 1_000)).toBeUndefined();
    expect(cache.get('a', 0)).toBeUndefined();
  });

  it('keeps at most maxEntries, dropping the oldest first', () => {
    const cache = new ExpiringCache<number>(3);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) cache.set(key, i, 10_000);
    expect(['a', 'b', 'c', 'd'].map((key) => cache.get(key, 0))).toEqual([undefined, 1, 2, 3]);
  });
});
