import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
} from 'jose';
import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import type { AccessTokenVerifier } from '../../../platform/kernel/principal.js';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  jwksVerifier,
} from '../../../platform/http/jwt.js';
import type { AccessTokens, PublicJwk } from '../application/ports/access-tokens.port.js';
import type { Role } from '../domain/user.js';
import { SigningKeysKnexRepository, type StoredSigningKey } from './signing-keys.knex-repository.js';

const LIFETIME_SECONDS = 15 * 60;

interface LoadedKeys {
  kid: string;
  privateKey: CryptoKey;
  jwks: { keys: PublicJwk[] };
  verifier: AccessTokenVerifier;
}

async function generateSigningKey(): Promise<StoredSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, {
    crv: 'Ed25519',
    extractable: true,
  });
  const exported = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(exported);
  const publicJwk: PublicJwk = {
    kty: exported.kty!,
    crv: exported.crv!,
    x: exported.x!,
    kid,
    alg: ACCESS_TOKEN_ALGORITHM,
    use: 'sig',
  };
  return {
    kid,
    algorithm: ACCESS_TOKEN_ALGORITHM,
    privateJwk: (await exportJWK(privateKey)) as Record<string, string>,
    publicJwk,
    createdAt: new Date().toISOString(),
  };
}

const notLoaded = () => new AppError('service_unavailable', 'Access-token keys are not loaded yet');

/**
 * EdDSA (Ed25519) access tokens. {@link load} runs once at startup: it creates the key pair on
 * first start, imports the private key once, and builds the verifier every module uses in-process.
 */
@injectable()
export class JoseAccessTokens implements AccessTokens {
  readonly expiresIn = LIFETIME_SECONDS;
  private keys: LoadedKeys | undefined;

  /** Verifies against the published key set, exactly like a remote process verifying via JWKS. */
  readonly verifier: AccessTokenVerifier = {
    verify: (token) => (this.keys ? this.keys.verifier.verify(token) : Promise.reject(notLoaded())),
  };

  constructor(@inject(SigningKeysKnexRepository) private readonly store: SigningKeysKnexRepository) {}

  async load(): Promise<void> {
    let current = await this.store.current();
    if (!current) {
      await this.store.addCurrentIfNone(await generateSigningKey());
      current = (await this.store.current())!;
    }
    const jwks = { keys: (await this.store.published()).map((key) => key.publicJwk) };
    this.keys = {
      kid: current.kid,
      privateKey: (await importJWK(current.privateJwk, ACCESS_TOKEN_ALGORITHM)) as CryptoKey,
      jwks,
      verifier: jwksVerifier(createLocalJWKSet(jwks)),
    };
  }

  async issue(subject: { userId: string; role: Role }): Promise<string> {
    if (!this.keys) throw notLoaded();
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ role: subject.role })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: this.keys.kid, typ: 'JWT' })
      .setSubject(subject.userId)
      .setIssuer(ACCESS_TOKEN_ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + LIFETIME_SECONDS)
      .sign(this.keys.privateKey);
  }

  publicKeys(): { keys: PublicJwk[] } {
    if (!this.keys) throw notLoaded();
    return this.keys.jwks;
  }
}
