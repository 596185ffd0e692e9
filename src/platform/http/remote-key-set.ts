import { createRemoteJWKSet, customFetch } from 'jose';
import type { Upstream } from '../discovery/upstream.js';
import { AppError } from '../kernel/errors.js';
import { JWKS_PATH } from './jwt.js';

/**
 * The users module's published keys, for a process where users runs elsewhere: fetched over the
 * same pooled, balanced connections as its contract.
 */
export function remoteKeySet(users: Upstream) {
  // jose wants an absolute URL; only the path is used, the upstream picks the instance.
  return createRemoteJWKSet(new URL(JWKS_PATH, 'http://users.internal'), {
    cooldownDuration: 30_000,
    [customFetch]: async () => {
      const response = await users
        .request({ method: 'GET', path: JWKS_PATH, headers: {}, idempotent: true })
        .catch((error: unknown) => {
          // Tokens cannot be checked while users is down: a 503 to retry, not a 401 to log in again.
          throw new AppError('service_unavailable', `Access tokens cannot be verified: ${(error as Error).message}`);
        });
      return new Response(await response.body.text(), { status: response.statusCode });
    },
  });
}
