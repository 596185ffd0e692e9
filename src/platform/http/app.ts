import express, { Router, type Express, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from '../kernel/logger.js';
import { onDemand } from '../kernel/on-demand.js';
import type { HealthCheck } from '../kernel/health-check.js';
import type { AnyRoute } from '../kernel/route.js';
import { identifyClient } from './client-identity.js';
import type { ContractVersions } from '../kernel/contract.js';
import { healthRouter } from './health.js';
import type { Metrics } from '../telemetry/metrics.js';
import { notFoundHandler, problemHandler } from './problem.js';
import { requestContext } from './request-context.js';

/** API.md: bodies over 100 kB (100,000 bytes) are refused with 413. */
export const BODY_LIMIT = 100_000;

/** A router of routes the app mounts under its platform endpoints (modules' API, console, gateway proxy). */
export type ApiRouter = Router;

export interface HttpAppOptions {
  logger: Logger;
  metrics: Metrics;
  healthChecks: HealthCheck[];
  isShuttingDown: () => boolean;
  /** The contract versions this process serves and calls, stated by its health routes. */
  contracts?: ContractVersions;
  openApiDocument: () => object;
  /** The hosted modules' routes (or the gateway's proxy), and the console's, mounted after the platform endpoints. */
  api: Router | Router[];
  /** Behind the gateway: take the client address from X-Forwarded-For set by a proxy on a private network. */
  behindProxy?: boolean;
  /** Routes declaring a larger `bodyLimit` get their own body parser. */
  routes?: AnyRoute[];
  /** The gateway: request bodies stay unread streams, for the module that owns the route to parse. */
  passBodiesThrough?: boolean;
  /** At the edge: the per-address budget of /api/v1/* (platform endpoints above it are never limited). */
  rateLimit?: RequestHandler;
  /** At the edge: each /api/v1 request's work counts against its client's share of every bulkhead it enters. */
  fairShares?: boolean;
  /** At the edge: proxies whose X-Forwarded-For names the client (TRUSTED_PROXIES); otherwise the socket's address. */
  trustedProxies?: string[];
}

/** Swagger UI (its assets weigh more than the rest of the HTTP layer), loaded on the first visit. */
function swaggerUiOnDemand(): RequestHandler {
  let docs: Router | undefined;
  return (req, res, next) => {
    if (!docs) {
      const swaggerUi = onDemand<typeof import('swagger-ui-express')>('swagger-ui-express');
      docs = Router().use(
        swaggerUi.serve,
        swaggerUi.setup(undefined, { swaggerOptions: { url: '/api/v1/openapi.json' } }),
      );
    }
    docs(req, res, next);
  };
}

/** The express app every process serves: platform endpoints, then the API, then problem+json errors. */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (options.behindProxy) app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  else if (options.trustedProxies?.length) app.set('trust proxy', options.trustedProxies);
  app.use(requestContext(options.logger, options.metrics.httpDuration));
  app.use('/docs', helmet({ contentSecurityPolicy: false }), swaggerUiOnDemand());
  // Browser-facing security headers; module-to-module calls (/internal/…) are not read by a browser.
  const securityHeaders = helmet();
  app.use((req, res, next) => (req.path.startsWith('/internal/') ? next() : securityHeaders(req, res, next)));
  app.use(healthRouter(options.healthChecks, options.isShuttingDown, options.contracts));
  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.registry.contentType).send(await options.metrics.registry.metrics());
  });
  app.get('/api/v1/openapi.json', (_req, res) => {
    res.json(options.openApiDocument());
  });
  // Before the body parser: a request over budget is refused unread.
  if (options.rateLimit) app.use('/api/v1', options.rateLimit);
  if (options.fairShares) app.use('/api/v1', identifyClient);
  if (!options.passBodiesThrough) {
    // Not strict: `null`, `42` or `"text"` is valid JSON (RFC 8259), so it is the route's schema that
    // refuses it (400 validation_failed), not the parser (malformed_json is for what is not JSON).
    const json = (limit: number) => express.json({ limit, strict: false });
    // A route with a larger limit reads its body first; the general parser then finds it read and skips it.
    for (const route of options.routes ?? []) if (route.bodyLimit) app[route.method](route.path, json(route.bodyLimit));
    app.use(json(BODY_LIMIT));
  }
  for (const router of [options.api].flat()) app.use(router);
  app.use(notFoundHandler);
  app.use(problemHandler(options.logger));
  return app;
}
