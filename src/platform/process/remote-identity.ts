import type { DependencyContainer } from 'tsyringe';
import { jwksVerifier } from '../http/jwt.js';
import { remoteKeySet } from '../http/remote-key-set.js';
import { ConfigError, type Config, type ModuleName } from '../kernel/config.js';
import type { ModuleDefinition } from '../kernel/module.js';
import { ACCESS_TOKEN_VERIFIER } from '../kernel/principal.js';
import type { Upstream } from '../discovery/upstream.js';
import { moduleUpstream, type ClientDeps } from '../rpc/contract-client.js';

/**
 * When users runs elsewhere and a hosted module serves users, access tokens are verified against
 * users' published JWKS. Its upstream is shared with users' contract client when there is one.
 */
export function registerRemoteIdentity(
  root: DependencyContainer,
  config: Config,
  hosted: ModuleDefinition[],
  upstreams: Map<ModuleName, Upstream>,
  deps: ClientDeps,
): void {
  const hostsUsers = hosted.some((definition) => definition.name === 'users');
  const needsIdentity = hosted.some((definition) => definition.routes.some((route) => route.access !== 'internal'));
  if (hosted.length === 0 || hostsUsers || !needsIdentity) return;
  const usersUrls = config.remoteUrls.users;
  if (!usersUrls && !config.discovery)
    throw new ConfigError(
      'Invalid configuration: USERS_URL is required to verify access tokens when the users module runs elsewhere',
    );
  const users = upstreams.get('users') ?? moduleUpstream('users', usersUrls ?? [], deps);
  upstreams.set('users', users);
  root.register(ACCESS_TOKEN_VERIFIER, { useValue: jwksVerifier(remoteKeySet(users)) });
}
