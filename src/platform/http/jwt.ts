import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ExpiringCache } from '../cache/expiring-cache.js';
import type { AccessTokenVerifier, Principal, Role } from '../kernel/principal.js';

/** Claims every access token carries; the users module signs with them, every process verifies them. */
export const ACCESS_TOKEN_ISSUER = 'modular-shop/users';
export const ACCESS_TOKEN_AUDIENCE = 'modular-shop';
export const ACCESS_TOKEN_ALGORITHM = 'EdDSA';
export const JWKS_PATH = '/.well-known/jwks.json';

/** Tokens of recently active users; a signature check costs more than the rest of a small request. */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Verifies access tokens against a key set (local in-process, or fetched from the users module's
 * JWKS endpoint). The algorithm is pinned, so `alg: none` and HS256-with-the-public-key fail. A
 * token that verified is remembered until its `exp`: a JWT's validity depends on nothing else.
 */
export function jwksVerifier(keys: JWTVerifyGetKey): AccessTokenVerifier {
  const verified = new ExpiringCache<Principal>(VERIFIED_CACHE_SIZE);
  return {
    async verify(token: string): Promise<Principal> {
      const known = verified.get(token);
      if (known) return known;
      const { payload } = await jwtVerify(token, keys, {
        issuer: ACCESS_TOKEN_ISSUER,
        audience: ACCESS_TOKEN_AUDIENCE,
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        requiredClaims: ['sub', 'exp', 'role'],
      });
      const role = payload.role;
      if (typeof payload.sub !== 'string' || (role !== 'customer' && role !== 'admin'))
        throw new Error('malformed claims');
      const principal: Principal = { userId: payload.sub, role: role as Role };
      verified.set(token, principal, payload.exp! * 1000);
      return principal;
    },
  };
}
