import { jwtVerify, SignJWT } from 'jose';
import { ExpiringCache } from '../cache/expiring-cache.js';
import type { ServiceTokenVerifier } from '../http/auth.js';

const ISSUER = 'modular-shop/internal';
const LIFETIME_S = 120;

/** Short-lived HS256 tokens for module-to-module calls, signed with INTERNAL_TOKEN_SECRET. */
export interface ServiceTokens extends ServiceTokenVerifier {
  /** A valid token; re-signed only when the cached one is past half its lifetime. */
  current(): Promise<string>;
}

/** Each calling process presents one token per half lifetime: a few entries cover every caller. */
const VERIFIED_CACHE_SIZE = 64;

export function createServiceTokens(secret: string): ServiceTokens {
  const key = new TextEncoder().encode(secret);
  let cached: { token: string; renewAt: number } | undefined;
  // Verified tokens with their expiry (ms), so a hot caller's token is checked once, not per call.
  const verified = new ExpiringCache<true>(VERIFIED_CACHE_SIZE);
  return {
    async current() {
      if (!cached || Date.now() >= cached.renewAt) {
        const token = await new SignJWT({})
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer(ISSUER)
          .setIssuedAt()
          .setExpirationTime(`${LIFETIME_S}s`)
          .sign(key);
        cached = { token, renewAt: Date.now() + (LIFETIME_S / 2) * 1000 };
      }
      return cached.token;
    },
    async verify(token) {
      if (verified.get(token)) return;
      const { payload } = await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
      verified.set(token, true, payload.exp! * 1000);
    },
  };
}
