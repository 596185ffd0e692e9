import { jwtVerify, SignJWT } from 'jose';
import type { ServiceTokenVerifier } from '../http/auth.js';

const ISSUER = 'modular-shop/internal';
const LIFETIME_S = 120;

/** Short-lived HS256 tokens for module-to-module calls, signed with INTERNAL_TOKEN_SECRET. */
export interface ServiceTokens extends ServiceTokenVerifier {
  /** A valid token; re-signed only when the cached one is past half its lifetime. */
  current(): Promise<string>;
}

export function createServiceTokens(secret: string): ServiceTokens {
  const key = new TextEncoder().encode(secret);
  let cached: { token: string; renewAt: number } | undefined;
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
      await jwtVerify(token, key, { issuer: ISSUER, algorithms: ['HS256'] });
    },
  };
}
