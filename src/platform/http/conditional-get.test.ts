import { describe, expect, it } from 'vitest';
import { cacheableRead, entityTagOf, matchesIfNoneMatch } from './conditional-get.js';

describe('conditional GET', () => {
  const body = { id: 'p1', priceCents: 1250, stock: 3 };

  it('derives a strong tag from the representation: equal JSON, equal tag; one unit of stock, another tag', () => {
    expect(entityTagOf(body)).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(entityTagOf({ ...body })).toBe(entityTagOf(body));
    expect(entityTagOf({ ...body, stock: 2 })).not.toBe(entityTagOf(body));
  });

  it('compares If-None-Match weakly, over a list, and lets * match any tag', () => {
    const tag = entityTagOf(body);
    expect(matchesIfNoneMatch(tag, tag)).toBe(true);
    expect(matchesIfNoneMatch(`"other", W/${tag}`, tag)).toBe(true);
    expect(matchesIfNoneMatch('*', tag)).toBe(true);
    expect(matchesIfNoneMatch('"other"', tag)).toBe(false);
    expect(matchesIfNoneMatch(undefined, tag)).toBe(false);
  });

  it('answers 200 with ETag and a public max-age, 304 without a body for the current tag, no-store for max-age 0', () => {
    const fresh = cacheableRead(body, undefined, 2);
    expect(fresh).toEqual({
      status: 200,
      body,
      headers: { ETag: entityTagOf(body), 'Cache-Control': 'public, max-age=2' },
    });
    expect(cacheableRead(body, entityTagOf(body), 2)).toEqual({ status: 304, headers: fresh.headers });
    expect(cacheableRead(body, '"stale"', 2).status).toBe(200);
    expect(cacheableRead(body, undefined, 0).headers).toEqual({ ETag: entityTagOf(body), 'Cache-Control': 'no-store' });
  });
});
