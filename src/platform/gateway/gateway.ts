import { Router } from 'express';
import { ConfigError, MODULE_NAMES, type Config } from '../config.js';
import { createHttpApp } from '../http/app.js';
import { createMetrics } from '../http/metrics.js';
import { closeServer, listen } from '../http/server.js';
import { buildOpenApiDocument } from '../http/openapi.js';
import { createLogger, type Logger } from '../logger.js';
import type { ModuleDefinition } from '../module.js';
import { createBreaker } from '../resilience/circuit-breaker.js';
import { forwardTo } from './forward.js';

/**
 * Split mode's front door: every public route of every module is forwarded to the process that
 * hosts it (round robin over its URLs), behind a per-module circuit breaker.
 */
export async function startGateway(
  config: Config,
  definitions: ModuleDefinition[],
  logger = createLogger(config.logLevel),
) {
  const missing = MODULE_NAMES.filter((name) => !config.remoteUrls[name]);
  if (missing.length > 0)
    throw new ConfigError(
      `Invalid configuration: the gateway needs ${missing.map((name) => `${name.toUpperCase()}_URL`).join(', ')}`,
    );
  const metrics = createMetrics();
  const api = Router();
  const breakers: ReturnType<typeof createBreaker>[] = [];
  for (const definition of definitions) {
    const breaker = createBreaker({
      name: `gateway:${definition.name}`,
      logger,
      registry: metrics.registry,
      isHealthyFailure: () => false,
    });
    breakers.push(breaker);
    const forward = forwardTo(config.remoteUrls[definition.name]!, breaker);
    for (const route of definition.routes.filter((r) => r.access !== 'internal'))
      api[route.method](route.path, forward);
  }
  const healthChecks = MODULE_NAMES.map((name) => ({
    name: `module:${name}`,
    check: async () => {
      const response = await fetch(new URL('/health/live', config.remoteUrls[name]![0]), {
        signal: AbortSignal.timeout(1500),
      });
      if (!response.ok) throw new Error(`answered ${response.status}`);
    },
  }));
  let shuttingDown = false;
  const openApi = buildOpenApiDocument(definitions.flatMap((definition) => definition.routes));
  const app = createHttpApp({
    logger,
    metrics,
    healthChecks,
    isShuttingDown: () => shuttingDown,
    openApiDocument: () => openApi,
    api,
  });
  const { server, port } = await listen(app, config.port);
  logger.info({ port, routes: config.remoteUrls }, 'gateway listening');
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      shuttingDown = true;
      await closeServer(server);
      for (const breaker of breakers) breaker.shutdown();
    },
  };
}
