import { AppError } from '../kernel/errors.js';
import type { Access, AccessTokenVerifier, Principal } from '../kernel/principal.js';

/** Verifies service-to-service tokens (split mode only). */
export interface ServiceTokenVerifier {
  verify(token: string): Promise<void>;
}

/** RFC 9110 §11.1: the scheme is case-insensitive (`bearer` is `Bearer`); RFC 6750's b64token follows. */
const BEARER = /^Bearer +([A-Za-z0-9_\-.~+/]+=*)$/i;

/** The token of an `Authorization: Bearer <token>` header; undefined for any other or no scheme. */
export const bearerToken = (authorization: string | undefined): string | undefined =>
  authorization ? BEARER.exec(authorization)?.[1] : undefined;

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
  const token = bearerToken(authorization);
  if (!token) throw unauthorized('Send an access token as "Authorization: Bearer <token>"');
  if (!verifier) throw new AppError('service_unavailable', 'Access tokens cannot be verified right now');
  const principal = await verifier.verify(token).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'service_unavailable') throw error;
    throw unauthorized('The access token is invalid or expired');
  });
  if (access === 'admin' && principal.role !== 'admin')
    throw new AppError('forbidden', 'This operation requires the admin role');
  return principal;
}
