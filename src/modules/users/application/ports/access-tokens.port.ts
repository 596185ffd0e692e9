import type { InjectionToken } from 'tsyringe';
import type { Role } from '../../domain/user.js';

/** A public signing key in JWK form, as published at /.well-known/jwks.json. */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  alg: string;
  use: 'sig';
}

/** Issues the access tokens every module verifies, and publishes the keys that verify them. */
export interface AccessTokens {
  /** Lifetime of an access token, in seconds. */
  readonly expiresIn: number;
  issue(subject: { userId: string; role: Role }): Promise<string>;
  publicKeys(): { keys: PublicJwk[] };
}

export const ACCESS_TOKENS: InjectionToken<AccessTokens> = Symbol('ACCESS_TOKENS');
