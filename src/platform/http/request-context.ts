import type { RequestHandler } from 'express';
import type { Histogram } from 'prom-client';
import { contextFrom, runWithContext } from '../context.js';
import type { Logger } from '../logger.js';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's X-Request-Id when it is sane enough to log and echo; otherwise one is generated. */
export const saneRequestId = (sent: string | undefined): string | undefined =>
  sent && SANE_REQUEST_ID.test(sent) ? sent : undefined;

/**
 * Opens the request's context (request id, W3C trace), echoes X-Request-Id, and on completion
 * writes one access log line and one latency observation labelled by route template.
 */
export function requestContext(logger: Logger, duration: Histogram<'method' | 'route' | 'status'>): RequestHandler {
  return (req, res, next) => {
    const sent = req.header('x-request-id');
    const context = contextFrom({
      requestId: saneRequestId(sent),
      traceparent: req.header('traceparent'),
    });
    res.setHeader('X-Request-Id', context.requestId);
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched';
      duration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      // The access log line is info: below the configured level, skip building it (and its context).
      if (!logger.isLevelEnabled('info')) return;
      runWithContext(context, () =>
        logger.info(
          { method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 },
          'request',
        ),
      );
    });
    runWithContext(context, next);
  };
}
