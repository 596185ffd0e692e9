import { AppError } from '../errors.js';

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

/** Verifies service-to-service tokens (split mode only). */
export interface ServiceTokenVerifier {
  verify(token: string): Promise<void>;
}

const BEARER = /^Bearer ([A-Za-z0-9_\-.=+/]+)$/;

const unauthorized = (detail: string) => new AppError('unauthorized', detail);

/** Resolves who is calling, enforcing the route's access level. */
export async function authenticate(
  access: Access,
  authorization: string | undefined,
  verifier: AccessTokenVerifier | undefined,
  serviceToken: string | undefined,
  serviceVerifier: ServiceTokenVerifier | undefined,
): Promise<Principal | undefined> {
  if (access === 'internal') {
    if (!serviceVerifier || !serviceToken) throw unauthorized('A service token is required');
    await serviceVerifier.verify(serviceToken).catch(() => {
      throw unauthorized('The service token is invalid');
    });
    return { userId: 'service', role: 'service' };
  }
  if (access === 'public' && !authorization) return undefined;
  const match = authorization ? BEARER.exec(authorization) : null;
  if (!match) throw unauthorized('Send an access token as "Authorization: Bearer <token>"');
  if (!verifier) throw new AppError('service_unavailable', 'Access tokens cannot be verified right now');
  const principal = await verifier.verify(match[1]).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'service_unavailable') throw error;
    throw unauthorized('The access token is invalid or expired');
  });
  if (access === 'admin' && principal.role !== 'admin')
    throw new AppError('forbidden', 'This operation requires the admin role');
  return principal;
}
