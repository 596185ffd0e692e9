import type { DependencyContainer } from 'tsyringe';
import type { Upstream } from '../discovery/upstream.js';
import { ConfigError, type Config, type ModuleName } from '../kernel/config.js';
import type { ModuleDefinition } from '../kernel/module.js';
import type { CallTelemetry } from '../telemetry/call-telemetry.js';
import { createContractClient, type ClientDeps } from './contract-client.js';

/**
 * For every contract a hosted module needs but this process does not host, registers the HTTP
 * adapter under the contract's token, so callers cannot tell local from remote. Returns each remote
 * module's upstream: with discovery, one with no configured URL starts empty and is filled from the
 * registry.
 */
export function registerRemoteContracts(
  root: DependencyContainer,
  config: Config,
  definitions: ModuleDefinition[],
  hosted: ModuleDefinition[],
  deps: ClientDeps & { calls: CallTelemetry },
): Map<ModuleName, Upstream> {
  const upstreams = new Map<ModuleName, Upstream>();
  const hostedNames = new Set<ModuleName>(hosted.map((definition) => definition.name));
  const needed = new Set(hosted.flatMap((definition) => definition.requires).filter((name) => !hostedNames.has(name)));
  for (const name of needed) {
    const contract = definitions.find((definition) => definition.name === name)?.contract;
    if (!contract) throw new ConfigError(`Invalid configuration: module ${name} has no contract to call`);
    const client = createContractClient(contract, config.remoteUrls[name] ?? [], deps);
    root.register(contract.token, { useValue: deps.calls.traced(contract, client.api, 'remote') });
    upstreams.set(name, client.upstream);
  }
  return upstreams;
}
