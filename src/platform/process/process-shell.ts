import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AdminConsole } from '../console/admin-console.js';
import { startDiscovery, type Discovery } from '../discovery/discovery.js';
import { createHttpApp, type ApiRouter } from '../http/app.js';
import { buildOpenApiDocument } from '../http/openapi.js';
import { edgeRateLimit } from '../http/rate-limit.js';
import { closeServer, listen } from '../http/server.js';
import type { Config } from '../kernel/config.js';
import type { ContractVersions } from '../kernel/contract.js';
import type { HealthCheck } from '../kernel/health-check.js';
import type { Logger } from '../kernel/logger.js';
import type { AnyRoute } from '../kernel/route.js';
import { Bulkheads } from '../resilience/bulkhead.js';
import { CallTelemetry } from '../telemetry/call-telemetry.js';
import { createMetrics } from '../telemetry/metrics.js';
import { startTracing } from '../telemetry/tracing.js';

export interface ShellIdentity {
  /** OpenTelemetry `service.name`. */
  serviceName: string;
  /** `shop.module` of the process's own spans: its one module, `shop` or `gateway`. */
  processModule: string;
}

export interface ServeOptions {
  /** The public API (mounted after the console's router, when there is one). */
  api: ApiRouter;
  /** Every documented route, for the OpenAPI document. */
  routes: AnyRoute[];
  healthChecks: HealthCheck[];
  adminConsole?: AdminConsole;
  /** Behind the gateway: no rate limit here (every client would share the gateway's address). */
  behindProxy?: boolean;
  /** The gateway forwards request bodies untouched. */
  passBodiesThrough?: boolean;
  /** Takes a request before express does (module-to-module calls); returns true when it did. */
  ahead?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Names registered under discovery once the port is open (hosted modules, or `gateway`). */
  registerAs: string[];
  /** The contract versions served and called: in the registry record and the health routes. */
  contracts?: ContractVersions;
  /** What the `listening` log line says about this process. */
  describe: Record<string, unknown>;
  /** After the server closed: finish the process's own work (tasks, bus), then release what it holds. */
  drain(): Promise<void>;
  release(): Promise<void>;
}

export interface Serving {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * What every process of the shop is made of, whatever it hosts: metrics, tracing, bulkheads, the
 * call telemetry, discovery, then one HTTP server with health, metrics, OpenAPI, the edge's rate
 * limit and an orderly shutdown. The host and the gateway differ only in what they serve.
 */
export async function openProcessShell(config: Config, identity: ShellIdentity, logger: Logger) {
  const metrics = createMetrics();
  const tracing = startTracing(identity);
  const bulkheads = new Bulkheads(config.bulkhead, metrics.registry);
  const calls = new CallTelemetry(metrics.registry);
  const discovery: Discovery | undefined = config.discovery
    ? await startDiscovery(config.discovery, logger)
    : undefined;
  let shuttingDown = false;

  async function serve(options: ServeOptions): Promise<Serving> {
    const openApi = buildOpenApiDocument([...options.routes, ...(options.adminConsole?.routes ?? [])]);
    const rateLimit = options.behindProxy ? undefined : await edgeRateLimit(config, logger, metrics);
    const app = createHttpApp({
      logger,
      metrics,
      healthChecks: discovery ? [...options.healthChecks, discovery.healthCheck] : options.healthChecks,
      isShuttingDown: () => shuttingDown,
      contracts: options.contracts,
      openApiDocument: () => openApi,
      api: options.adminConsole ? [options.adminConsole.router, options.api] : options.api,
      behindProxy: options.behindProxy,
      passBodiesThrough: options.passBodiesThrough,
      routes: options.routes,
      rateLimit: rateLimit?.middleware,
      // Fair shares are the edge's too: behind the gateway, requests have passed the gateway's.
      fairShares: !options.behindProxy,
      trustedProxies: config.trustedProxies,
    });
    const { server, port } = await listen(app, config.port, options.ahead);
    logger.info({ port, ...options.describe }, 'listening');
    // Registered only now that it serves, so no caller is sent here before the port is open.
    discovery?.register(options.registerAs, port, options.contracts);
    return {
      url: `http://127.0.0.1:${port}`,
      port,
      async stop() {
        if (shuttingDown) return;
        shuttingDown = true;
        // Out of the registry before the drain: callers stop choosing this instance while it finishes.
        await discovery?.deregister();
        await closeServer(server);
        await options.drain();
        rateLimit?.close();
        await options.adminConsole?.close();
        await discovery?.close();
        await options.release();
        await tracing.stop();
        logger.info('stopped');
      },
    };
  }

  return { metrics, tracing, bulkheads, calls, discovery, serve };
}

export type ProcessShell = Awaited<ReturnType<typeof openProcessShell>>;
