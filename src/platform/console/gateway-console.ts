import type { Config } from '../kernel/config.js';
import { jwksVerifier } from '../http/jwt.js';
import type { Metrics } from '../telemetry/metrics.js';
import { remoteKeySet } from '../http/remote-key-set.js';
import { createServiceTokens } from '../rpc/service-token.js';
import type { Upstream } from '../discovery/upstream.js';
import type { TraceStore } from '../telemetry/trace-store.js';
import { createAdminConsole, type AdminConsole } from './admin-console.js';

export interface GatewayParts {
  metrics: Metrics;
  traces: TraceStore;
  /** Each module's instances as the gateway routes to them (URL lists or discovery). */
  upstreams: { module: string; upstream: Upstream }[];
  /** The gateway's base URL, once it listens. */
  selfUrl(): string;
}

/**
 * The gateway's console covers every module: it reads each instance's console data over the
 * service-token routes (`/internal/console/…`) and joins the parts of a trace by its id. Admins are
 * recognised by the users module's published keys, fetched through the gateway's own upstream.
 */
export function gatewayConsole(config: Config, parts: GatewayParts): AdminConsole | undefined {
  if (!config.console) return undefined;
  const users = parts.upstreams.find(({ module }) => module === 'users')?.upstream;
  const verifier = users ? jwksVerifier(remoteKeySet(users)) : undefined;
  return createAdminConsole({
    service: 'shop-gateway',
    processModule: 'gateway',
    hostedModules: [],
    bus: 'none',
    registry: parts.metrics.registry,
    traces: parts.traces,
    selfUrl: parts.selfUrl,
    instancesOf: (name) => parts.upstreams.find(({ module }) => module === name)?.upstream.urls ?? [],
    gather: true,
    accessTokenVerifier: () => verifier,
    serviceTokens: config.internalTokenSecret ? createServiceTokens(config.internalTokenSecret) : undefined,
  });
}
