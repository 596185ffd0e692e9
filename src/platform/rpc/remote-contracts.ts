import { createRemoteJWKSet, customFetch } from 'jose';
import type { DependencyContainer } from 'tsyringe';
import { ConfigError, type Config, type ModuleName } from '../kernel/config.js';
import { AppError } from '../kernel/errors.js';
import { ACCESS_TOKEN_VERIFIER } from '../kernel/principal.js';
import { JWKS_PATH, jwksVerifier } from '../http/jwt.js';
import type { ModuleDefinition } from '../kernel/module.js';
import { CallTelemetry } from '../telemetry/call-telemetry.js';
import { createContractClient, moduleUpstream, type ClientDeps } from './contract-client.js';
import type { Upstream } from '../discovery/upstream.js';

/**
 * For every contract a hosted module needs but this process does not host, registers the HTTP
 * adapter under the contract's token, so callers cannot tell local from remote. When users runs
 * elsewhere, access tokens are verified against its published JWKS. Returns each remote module's
 * upstream: with discovery, one with no configured URL starts empty and is filled from the registry.
 */
export function registerRemoteContracts(
  root: DependencyContainer,
  config: Config,
  definitions: ModuleDefinition[],
  hosted: ModuleDefinition[],
  deps: ClientDeps,
): Map<ModuleName, Upstream> {
  const upstreams = new Map<ModuleName, Upstream>();
  const hostedNames = new Set<ModuleName>(hosted.map((definition) => definition.name));
  const calls = new CallTelemetry(deps.metrics.registry);
  const needed = new Set(hosted.flatMap((definition) => definition.requires).filter((name) => !hostedNames.has(name)));
  for (const name of needed) {
    const contract = definitions.find((definition) => definition.name === name)?.contract;
    if (!contract) throw new ConfigError(`Invalid configuration: module ${name} has no contract to call`);
    const client = createContractClient(contract, config.remoteUrls[name] ?? [], deps);
    root.register(contract.token, { useValue: calls.traced(contract, client.api, 'remote') });
    upstreams.set(name, client.upstream);
  }
  const needsIdentity = hosted.some((definition) =>
    definition.routes.some((route) => route.access === 'user' || route.access === 'admin' || route.access === 'public'),
  );
  if (hosted.length > 0 && !hostedNames.has('users') && needsIdentity) {
    const usersUrls = config.remoteUrls.users;
    if (!usersUrls && !config.discovery)
      throw new ConfigError(
        'Invalid configuration: USERS_URL is required to verify access tokens when the users module runs elsewhere',
      );
    const users = upstreams.get('users') ?? moduleUpstream('users', usersUrls ?? [], deps);
    upstreams.set('users', users);
    root.register(ACCESS_TOKEN_VERIFIER, { useValue: jwksVerifier(remoteKeySet(users)) });
  }
  return upstreams;
}

/** The users module's published keys, fetched over the same pooled, balanced connections as its contract. */
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
