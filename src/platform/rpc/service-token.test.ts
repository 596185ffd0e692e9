import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createServiceTokens, MAX_SERVICE_TOKEN_LIFETIME_S } from './service-token.js';

const SECRET = 'service-token-test-secret-0123456789abcdef';
const tokens = createServiceTokens(SECRET);
const now = () => Math.floor(Date.now() / 1000);

/** A token signed with the shared secret by hand, with the claims a forger (or a bug) would choose. */
async function handMade(claims: { aud?: string; iat?: number; exp?: number; iss?: string }): Promise<string> {
  const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(claims.iss ?? 'modular-shop/internal');
  if (claims.aud !== undefined) jwt.setAudience(claims.aud);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(new TextEncoder().encode(SECRET));
}

const verdict = (token: string, callees: string | string[]) =>
  tokens
    .verifierFor(callees)
    .verify(token)
    .then(
      () => 'accepted',
      () => 'refused',
    );

describe('service tokens', () => {
  it('accepts a token at the callee it was minted for, and refuses it at every other, cached or not', async () => {
    const forPayments = await tokens.forCallee('payments');
    expect(await verdict(forPayments, 'orders')).toBe('refused');
    expect(await verdict(forPayments, 'payments')).toBe('accepted');
    // Now remembered as verified for payments: still no key to orders.
    expect(await verdict(forPayments, 'orders')).toBe('refused');
    expect(await verdict(forPayments, ['catalog', 'payments'])).toBe('accepted');
    expect(await tokens.forCallee('payments')).toBe(forPayments);
    expect(await tokens.forCallee('orders')).not.toBe(forPayments);
  });

  it.each([
    ['no exp', { aud: 'payments', iat: now() }],
    ['exp 100 years ahead', { aud: 'payments', iat: now(), exp: now() + 100 * 365 * 86_400 }],
    ['a lifetime of 5 min and 1 s', { aud: 'payments', iat: now(), exp: now() + MAX_SERVICE_TOKEN_LIFETIME_S + 1 }],
    ['no iat', { aud: 'payments', exp: now() + 60 }],
    ['an iat 6 min ago', { aud: 'payments', iat: now() - 360, exp: now() + 60 }],
    ['an iat 1 min ahead', { aud: 'payments', iat: now() + 60, exp: now() + 120 }],
    ['no audience', { iat: now(), exp: now() + 60 }],
    ['another issuer', { aud: 'payments', iat: now(), exp: now() + 60, iss: 'modular-shop/users' }],
  ])('refuses a token with %s', async (_label, claims) => {
    expect(await verdict(await handMade(claims), 'payments')).toBe('refused');
  });

  it('accepts a hand-made token with the claims it requires, which shows the refusals above are for those claims', async () => {
    const token = await handMade({ aud: 'payments', iat: now(), exp: now() + MAX_SERVICE_TOKEN_LIFETIME_S });
    expect(await verdict(token, 'payments')).toBe('accepted');
  });

  it('refuses a token signed with another secret', async () => {
    const forged = await createServiceTokens('another-secret-of-32-characters-or-more').forCallee('payments');
    expect(await verdict(forged, 'payments')).toBe('refused');
  });
});
