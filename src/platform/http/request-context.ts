import type { IncomingMessage, ServerResponse } from 'node:http';
import { SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import type { Histogram } from 'prom-client';
import { continuedContext, newRequestId, runWithContext, type Context } from '../kernel/context.js';
import type { Logger } from '../kernel/logger.js';
import { BUDGET_HEADER, deadlineFrom } from '../resilience/time-budget.js';
import { ATTR } from '../telemetry/span-attributes.js';
import { openSpan, SpanKind } from '../telemetry/spans.js';

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The platform's own endpoints: answered with ids but not recorded, as probes, scrapes and the
 * console's polling (its page, its API and the gateway's reads of each process) would crowd out the traces.
 */
const UNTRACED = /^\/(health\/|metrics(\?|$)|console(\/|\?|$)|api\/v1\/console\/|internal\/console\/)/;

/** Express trims `url` inside mounted routers; `originalUrl` is what the client asked for. */
const urlOf = (req: IncomingMessage & { originalUrl?: string }) => req.originalUrl ?? req.url;

export type RequestDuration = Histogram<'method' | 'route' | 'status'>;

/** A request that is a module's operation (a contract call): its server span is named after it. */
export interface OperationSpan {
  name: string;
  module: string;
  attributes: Attributes;
}

/**
 * Opens a request's context (request id: the client's when sane; W3C trace: continued when sent;
 * time budget: the caller's remaining one, or the default) and its server span, named by
 * `route()`, the route template, once known (or by `operation`). On completion the span ends, and
 * one access log line and one latency observation are written. Express routes and module-to-module
 * calls share it.
 */
export function openRequest(
  req: IncomingMessage,
  res: ServerResponse,
  logger: Logger,
  duration: RequestDuration,
  route: () => string,
  operation?: OperationSpan,
): { context: Context; requestId: string } {
  const sent = req.headers['x-request-id'];
  const requestId = typeof sent === 'string' && SANE_REQUEST_ID.test(sent) ? sent : newRequestId();
  const url = urlOf(req) ?? '/';
  const { span, context } = openSpan(operation?.name ?? req.method ?? 'HTTP', {
    kind: SpanKind.SERVER,
    parent: continuedContext(req.headers, { requestId, deadline: deadlineFrom(req.headers[BUDGET_HEADER]) }),
    module: operation?.module,
    untraced: UNTRACED.test(url),
  });
  if (span.isRecording())
    span.setAttributes({
      'http.request.method': req.method,
      'url.path': url.split('?', 1)[0],
      [ATTR.requestId]: requestId,
      ...operation?.attributes,
    });
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const template = route();
    if (span.isRecording()) {
      if (!operation) span.updateName(`${req.method} ${template}`);
      span.setAttributes({ 'http.route': template, 'http.response.status_code': res.statusCode });
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
    duration.observe({ method: req.method, route: template, status: String(res.statusCode) }, seconds);
    // The access log line is info: below the configured level, skip building it.
    if (!logger.isLevelEnabled('info')) return;
    runWithContext(context, () =>
      logger.info(
        { method: req.method, url: urlOf(req), status: res.statusCode, ms: Math.round(seconds * 1e4) / 10 },
        'request',
      ),
    );
  });
  return { context, requestId };
}

/** {@link openRequest} for express; echoes X-Request-Id. */
export function requestContext(logger: Logger, duration: RequestDuration): RequestHandler {
  return (req, res, next) => {
    const route = () => (req.route?.path ? `${req.baseUrl}${req.route.path}` : 'unmatched');
    const { context, requestId } = openRequest(req, res, logger, duration, route);
    res.setHeader('X-Request-Id', requestId);
    runWithContext(context, next);
  };
}
