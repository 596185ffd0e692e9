export type Role = 'customer' | 'admin';

/** Who may call a route: anyone, any signed-in user, admins only, or other modules (service token). */
export type Access = 'public' | 'user' | 'admin' | 'internal';

/** The verified identity behind a request: a user from an access token, or another module. */
export interface Principal {
  userId: string;
  role: Role | 'service';
}

/** Verifies access tokens; the users module provides it in-process, JWKS over HTTP otherwise. */
export interface AccessTokenVerifier {
  /** Resolves the principal, or rejects when the token is invalid in any way. */
  verify(token: string): Promise<Principal>;
}

export const ACCESS_TOKEN_VERIFIER = Symbol('ACCESS_TOKEN_VERIFIER');
