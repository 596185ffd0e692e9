import { createHmac, createPublicKey } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWTPayload } from 'jose';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '../../src/platform/http/jwt.js';
import { moduleKnex } from '../support/module-db.js';
import type { TestShop } from '../support/shop.js';

/** Recursively true when any string anywhere in `value` looks like a stored password hash. */
export const containsHash = (value: unknown): boolean =>
  JSON.stringify(value ?? null).includes('scrypt$') || /password_?hash/i.test(JSON.stringify(value ?? null));

const b64url = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** Reads the module's current signing key (private JWK) straight from its table. */
export async function currentSigningKey(
  shop: TestShop,
): Promise<{ kid: string; privateJwk: Record<string, string>; publicJwk: Record<string, string> }> {
  const row = await moduleKnex(shop, 'users')('signing_keys').where({ slot: 'current' }).first();
  return { kid: row.kid, privateJwk: JSON.parse(row.private_jwk), publicJwk: JSON.parse(row.public_jwk) };
}

export const validClaims = (userId: string, role = 'customer'): JWTPayload => {
  const now = Math.floor(Date.now() / 1000);
  return { sub: userId, role, iss: ACCESS_TOKEN_ISSUER, aud: ACCESS_TOKEN_AUDIENCE, iat: now, exp: now + 900 };
};

/** Signs `claims` with the module's real private key: proves the forged tokens below differ only in what they break. */
export async function signWithRealKey(shop: TestShop, claims: JWTPayload): Promise<string> {
  const key = await currentSigningKey(shop);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'JWT' })
    .sign(await importJWK(key.privateJwk, 'EdDSA'));
}

const hs256 = (claims: JWTPayload, kid: string, secret: Buffer | string) => {
  const input = `${b64url({ alg: 'HS256', typ: 'JWT', kid })}.${b64url(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};

/** Every kind of token that must be refused with 401, each a near miss of a valid one. */
export async function forgedTokens(
  shop: TestShop,
  userId: string,
  validToken: string,
): Promise<Record<string, string>> {
  const key = await currentSigningKey(shop);
  const claims = validClaims(userId);
  const now = Math.floor(Date.now() / 1000);
  const other = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const publicPem = createPublicKey({ key: key.publicJwk as never, format: 'jwk' })
    .export({ format: 'pem', type: 'spki' })
    .toString();
  const [header, payload, signature] = validToken.split('.');
  const tampered = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), role: 'admin' };
  return {
    'alg none': `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`,
    'alg none with the kid': `${b64url({ alg: 'none', typ: 'JWT', kid: key.kid })}.${b64url(claims)}.`,
    'HS256 keyed with the public key (PEM)': hs256(claims, key.kid, publicPem),
    'HS256 keyed with the public key (JWK JSON)': hs256(claims, key.kid, JSON.stringify(key.publicJwk)),
    'HS256 keyed with the raw public key': hs256(claims, key.kid, Buffer.from(key.publicJwk.x, 'base64url')),
    'signed by another key with the same kid': await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
      .sign(other.privateKey),
    'signed by another key without kid': await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA' })
      .sign(other.privateKey),
    expired: await signWithRealKey(shop, { ...claims, iat: now - 1000, exp: now - 60 }),
    'wrong audience': await signWithRealKey(shop, { ...claims, aud: 'someone-else' }),
    'wrong issuer': await signWithRealKey(shop, { ...claims, iss: 'https://evil.example' }),
    'no expiry': await signWithRealKey(shop, { ...claims, exp: undefined }),
    'no role': await signWithRealKey(shop, { ...claims, role: undefined }),
    'unknown role': await signWithRealKey(shop, { ...claims, role: 'root' }),
    'tampered payload (role: admin)': `${header}.${b64url(tampered)}.${signature}`,
    'tampered signature': `${header}.${payload}.${signature.slice(0, -4)}${signature.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`,
    'public key as the token': (await exportJWK(other.publicKey)).x!,
  };
}
