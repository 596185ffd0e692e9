import { jwtVerify, SignJWT } from 'jose';
import { ExpiringCache } from '../cache/expiring-cache.js';
import type { ServiceTokenVerifier } from '../http/auth.js';

const ISSUER = 'modular-shop/internal';
/** What a caller signs; it signs anew at half of it. */
const LIFETIME_S = 120;
/**
 * The longest a callee accepts, both as `exp − iat` and as the token's age: a token that leaks (a
 * log, a proxy) is worth minutes, whatever `exp` its forger wrote.
 */
export const MAX_SERVICE_TOKEN_LIFETIME_S = 300;
/** Processes on other machines disagree on the time by this much at most (NTP keeps it far below). */
const CLOCK_TOLERANCE_S = 10;

/**
 * Short-lived HS256 tokens for module-to-module calls, signed with INTERNAL_TOKEN_SECRET. Each names
 * its callee (the module called) as its audience, so a token captured on its way to one module
 * opens no other.
 */
export interface ServiceTokens {
  /** A valid token for calls to the module `callee`; signed anew only when the cached one is past half its lifetime. */
  forCallee(callee: string): Promise<string>;
  /** Accepts tokens meant for any of `callees` (the modules a process serves on the routes it guards). */
  verifierFor(callees: string | string[]): ServiceTokenVerifier;
}

/** Each calling process presents one token per callee per half lifetime: a few entries cover every caller. */
const VERIFIED_CACHE_SIZE = 256;

const audiencesOf = (aud: string | string[] | undefined): string[] => (aud === undefined ? [] : [aud].flat());

export function createServiceTokens(secret: string): ServiceTokens {
  const key = new TextEncoder().encode(secret);
  const signed = new Map<string, { token: string; renewAt: number }>();
  // Verified tokens with their audiences until their expiry, so a hot caller's token is checked once, not per call.
  const verified = new ExpiringCache<string[]>(VERIFIED_CACHE_SIZE);

  async function verify(token: string, callees: string[]): Promise<void> {
    if (verified.get(token)?.some((audience) => callees.includes(audience))) return;
    const { payload } = await jwtVerify(token, key, {
      issuer: ISSUER,
      audience: callees,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat'],
      maxTokenAge: MAX_SERVICE_TOKEN_LIFETIME_S,
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    if (payload.exp! - payload.iat! > MAX_SERVICE_TOKEN_LIFETIME_S)
      throw new Error(`a service token lives at most ${MAX_SERVICE_TOKEN_LIFETIME_S} s`);
    verified.set(token, audiencesOf(payload.aud), payload.exp! * 1000);
  }

  return {
    async forCallee(callee) {
      const cached = signed.get(callee);
      if (cached && Date.now() < cached.renewAt) return cached.token;
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(ISSUER)
        .setAudience(callee)
        .setIssuedAt()
        .setExpirationTime(`${LIFETIME_S}s`)
        .sign(key);
      signed.set(callee, { token, renewAt: Date.now() + (LIFETIME_S / 2) * 1000 });
      return token;
    },
    verifierFor(callees) {
      const accepted = [callees].flat();
      return { verify: (token) => verify(token, accepted) };
    },
  };
}
