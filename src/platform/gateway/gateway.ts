import { Router } from 'express';
import { gatewayConsole } from '../console/gateway-console.js';
import { Upstream } from '../discovery/upstream.js';
import { ConfigError, MODULE_NAMES, type Config } from '../kernel/config.js';
import type { HealthCheck } from '../kernel/health-check.js';
import { createLogger } from '../kernel/logger.js';
import { settingsOf, type ModuleDefinition } from '../kernel/module.js';
import { openProcessShell, type Serving } from '../process/process-shell.js';
import { DEFAULT_BUDGET_MS } from '../resilience/time-budget.js';
import { forwardTo } from './forward.js';
import { createSharedCache } from './shared-cache.js';

/**
 * Longest wait for a module's answer: a checkout may wait on payments' own timeouts. It is also
 * the time budget every request starts with here, handed on to each module it reaches.
 */
const TIMEOUT_MS = DEFAULT_BUDGET_MS;

/**
 * Split mode's front door: every public route of every module is forwarded to the process that
 * hosts it (balanced over its healthy instances, a breaker per instance). With discovery, a module
 * without a configured URL is routed to its registered instances, and the gateway registers itself
 * as `gateway`.
 */
export async function startGateway(
  config: Config,
  definitions: ModuleDefinition[],
  logger = createLogger(config.logLevel),
) {
  const missing = MODULE_NAMES.filter((name) => !config.remoteUrls[name]);
  if (missing.length > 0 && !config.discovery)
    throw new ConfigError(
      `Invalid configuration: the gateway needs ${missing.map((name) => `${name.toUpperCase()}_URL`).join(', ')}`,
    );
  const shell = await openProcessShell(config, { serviceName: 'shop-gateway', processModule: 'gateway' }, logger);
  const { metrics, bulkheads, discovery } = shell;
  const api = Router();
  // A module's settings turn caching off at the edge too (CATALOG_MAX_AGE=0), not only in what it answers.
  const sharedCache = definitions.some((definition) => definition.sharedCache?.(settingsOf(definition, config)))
    ? createSharedCache({
        redisUrl: config.redisUrl,
        keyPrefix: `${config.bullmqPrefix}:httpcache:`,
        logger,
        registry: metrics.registry,
      })
    : undefined;
  // Each module gets its own limit, so a slow one cannot hold every connection of the gateway.
  const upstreams = definitions.map((definition) => {
    const upstream = new Upstream({
      name: `gateway:${definition.name}`,
      urls: config.remoteUrls[definition.name] ?? [],
      logger,
      registry: metrics.registry,
      timeoutMs: TIMEOUT_MS,
      bulkhead: bulkheads.named(`gateway:${definition.name}`),
    });
    if (!config.remoteUrls[definition.name]) discovery?.follow(definition.name, upstream);
    const forward = forwardTo(upstream);
    const forwardCached = sharedCache?.forwardTo(upstream) ?? forward;
    for (const route of definition.routes.filter((r) => r.access !== 'internal')) {
      const handler = route.bodyLimit ? forwardTo(upstream, route.bodyLimit) : forward;
      api[route.method](route.path, route.method === 'get' && route.access === 'public' ? forwardCached : handler);
    }
    return { module: definition.name, upstream };
  });
  // Ready while every module has at least one live instance; the report lists each instance.
  const healthChecks: HealthCheck[] = upstreams.map(({ module, upstream }) => ({
    name: `module:${module}`,
    check: async () => {
      const instances = await upstream.probe('/health/live', 1500);
      if (!instances.some((instance) => instance.healthy))
        throw new Error(instances.map(({ url, error }) => `${url}: ${error}`).join('; ') || 'no instance');
      return { instances };
    },
  }));
  let serving: Serving | undefined;
  const selfUrl = () => config.discovery?.advertiseUrl ?? serving?.url ?? '';
  const adminConsole = gatewayConsole(config, { metrics, traces: shell.tracing.traces, upstreams, selfUrl });
  serving = await shell.serve({
    api,
    routes: definitions.flatMap((definition) => definition.routes),
    healthChecks,
    adminConsole,
    passBodiesThrough: true,
    registerAs: ['gateway'],
    describe: { gateway: true, routes: config.remoteUrls, discovery: Boolean(discovery) },
    drain: async () => {},
    async release() {
      await Promise.all(upstreams.map(({ upstream }) => upstream.close()));
      sharedCache?.close();
    },
  });
  return {
    url: serving.url,
    port: serving.port,
    /** The gateway's recent finished spans. */
    traces: shell.tracing.traces,
    stop: serving.stop,
  };
}
