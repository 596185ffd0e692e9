import { createHash } from 'node:crypto';
import type { RouteResponse } from '../kernel/route.js';

/**
 * A strong entity tag derived from the representation itself: the same JSON gives the same tag on
 * every instance and after every restart, so nothing has to be stored to answer a conditional read,
 * and any change a reader can see (price, name, stock) gives a new tag.
 */
export const entityTagOf = (body: unknown): string =>
  `"${createHash('sha256').update(JSON.stringify(body)).digest('base64url').slice(0, 32)}"`;

/** RFC 9110 §13.1.2: If-None-Match compares weakly (a `W/` prefix is ignored), and `*` matches any tag. */
export function matchesIfNoneMatch(ifNoneMatch: string | undefined, etag: string | undefined): boolean {
  if (!ifNoneMatch || !etag) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === opaque);
}

/**
 * A public read that any cache may keep for `maxAgeSeconds` (0: none may keep it), answered 304
 * without a body when the client already holds this representation.
 */
export function cacheableRead(body: unknown, ifNoneMatch: string | undefined, maxAgeSeconds: number): RouteResponse {
  const etag = entityTagOf(body);
  const headers = {
    ETag: etag,
    'Cache-Control': maxAgeSeconds > 0 ? `public, max-age=${maxAgeSeconds}` : 'no-store',
  };
  return matchesIfNoneMatch(ifNoneMatch, etag) ? { status: 304, headers } : { status: 200, body, headers };
}
