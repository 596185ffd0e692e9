import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Histogram } from 'prom-client';
import { contextFrom, runWithContext, type RequestContext } from '../context.js';
import type { Logger } from '../logger.js';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Express trims `url` inside mounted routers; `originalUrl` is what the client asked for. */
const urlOf = (req: IncomingMessage & { originalUrl?: string }) => req.originalUrl ?? req.url;

export type RequestDuration = Histogram<'method' | 'route' | 'status'>;

/**
 * Opens a request's context (request id: the client's when sane, W3C trace: continued when sent)
 * and, on completion, writes one access log line and one latency observation labelled by
 * `route()`, the route template. Express routes and module-to-module calls share it.
 */
export function openRequest(
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger,
  duration: RequestDuration,
  route: () => string,
): RequestContext {
  const sent = req.headers['x-request-id'];
  const context = contextFrom({
    requestId: typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : undefined,
    traceparent: typeof req.headers.traceparent === 'string' ? req.headers.traceparent : undefined,
  });
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    duration.observe({ method: req.method, route: route(), status: String(res.statusCode) }, seconds);
    // The access log line is info: below the configured level, skip building it (and its context).
    if (!logger.isLevelEnabled('info')) return;
    runWithContext(context, () =>
      logger.info(
        { method: req.method, url: urlOf(req), status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 },
        'request',
      ),
    );
  });
  return context;
}

/** {@link openRequest} for express; echoes X-Request-Id. */
export function requestContext(logger: Logger, duration: RequestDuration): RequestHandler {
  return (req, res, next) => {
    const route = () => (req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched');
    const context = openRequest(req, res, logger, duration, route);
    res.setHeader('X-Request-Id', context.requestId);
    runWithContext(context, next);
  };
}
