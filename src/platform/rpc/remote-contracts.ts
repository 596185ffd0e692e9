import { createRemoteJWKSet } from 'jose';
import type { DependencyContainer } from 'tsyringe';
import { ConfigError, type Config, type ModuleName } from '../config.js';
import { ACCESS_TOKEN_VERIFIER } from '../http/auth.js';
import { JWKS_PATH, jwksVerifier } from '../http/jwt.js';
import type { ModuleDefinition } from '../module.js';
import { createContractClient, type ClientDeps } from './contract-client.js';

/**
 * For every contract a hosted module needs but this process does not host, registers the HTTP
 * adapter under the contract's token, so callers cannot tell local from remote. When users runs
 * elsewhere, access tokens are verified against its published JWKS.
 */
export function registerRemoteContracts(
  root: DependencyContainer,
  config: Config,
  definitions: ModuleDefinition[],
  hosted: ModuleDefinition[],
  deps: ClientDeps,
): void {
  const hostedNames = new Set<ModuleName>(hosted.map((definition) => definition.name));
  const needed = new Set(hosted.flatMap((definition) => definition.requires).filter((name) => !hostedNames.has(name)));
  for (const name of needed) {
    const contract = definitions.find((definition) => definition.name === name)?.contract;
    if (!contract) throw new ConfigError(`Invalid configuration: module ${name} has no contract to call`);
    root.register(contract.token, { useValue: createContractClient(contract, config.remoteUrls[name]!, deps) });
  }
  const needsIdentity = hosted.some((definition) =>
    definition.routes.some((route) => route.access === 'user' || route.access === 'admin' || route.access === 'public'),
  );
  if (hosted.length > 0 && !hostedNames.has('users') && needsIdentity) {
    const usersUrl = config.remoteUrls.users?.[0];
    if (!usersUrl)
      throw new ConfigError(
        'Invalid configuration: USERS_URL is required to verify access tokens when the users module runs elsewhere',
      );
    root.register(ACCESS_TOKEN_VERIFIER, {
      useValue: jwksVerifier(createRemoteJWKSet(new URL(JWKS_PATH, usersUrl), { cooldownDuration: 30_000 })),
    });
  }
}
