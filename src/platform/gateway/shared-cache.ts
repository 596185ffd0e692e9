import type { IncomingHttpHeaders } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import CachePolicy from 'http-cache-semantics';
import { Counter, type Registry } from 'prom-client';
import { matchesIfNoneMatch } from '../http/conditional-get.js';
import { AppError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import type { Upstream } from '../discovery/upstream.js';
import { callModule, forwardTo, outgoingHeaders, relayAnswer } from './forward.js';
import { RedisResponseStore } from './redis-response-store.js';

/** Freshness only from the module's own Cache-Control: no heuristic lifetime for answers that did not ask to be kept. */
const POLICY_OPTIONS: CachePolicy.Options = { shared: true, cacheHeuristic: 0, immutableMinTimeToLive: 0 };
/** What is kept with a body; the other headers belong to one connection or one answer. */
const STORED_HEADERS = ['content-type', 'cache-control', 'etag', 'vary', 'expires', 'last-modified'];
/**
 * A stale entry is kept this much longer so that its next reader revalidates it (a 304 without a
 * body) instead of fetching it whole; after that Redis drops it, so nothing lingers.
 */
const KEEP_STALE_MS = 30_000;

type Outcome = 'hit' | 'stale' | 'miss' | 'bypass';

/** RFC 9111 §5.2.1.7: the client wants a stored answer or none; the module is not to be asked. */
const ONLY_IF_CACHED = /(?:^|,)\s*only-if-cached\s*(?:,|$)/i;
const wantsOnlyStored = (req: Request) => ONLY_IF_CACHED.test(req.header('cache-control') ?? '');
const notCached = () =>
  new AppError('not_cached', 'Cache-Control: only-if-cached, and no stored answer to this request may be served');

export interface SharedCacheOptions {
  redisUrl: string;
  /** Prefix of every key, e.g. `shop:httpcache:`. */
  keyPrefix: string;
  logger: Logger;
  registry: Registry;
}

/**
 * The gateway as an RFC 9111 shared cache for public GETs (the semantics are http-cache-semantics'),
 * kept in Redis so that every gateway instance shares it. Entries are keyed by method and URL; a
 * response that varies is checked against its Vary headers and replaced when they differ.
 */
export function createSharedCache(options: SharedCacheOptions) {
  const lookups = new Counter({
    name: 'gateway_http_cache_requests_total',
    help: 'Public GETs at the gateway by cache outcome: hit (served from the cache), stale (stored but revalidated with the module), miss, bypass (with credentials, or not a GET)',
    labelNames: ['outcome'] as const,
    registers: [options.registry],
  });
  const failures = new Counter({
    name: 'gateway_http_cache_redis_failures_total',
    help: 'Cache lookups and writes that could not use Redis: the request was forwarded uncached',
    registers: [options.registry],
  });
  const store = new RedisResponseStore({
    url: options.redisUrl,
    keyPrefix: options.keyPrefix,
    logger: options.logger,
    failures,
  });
  const count = (outcome: Outcome) => lookups.inc({ outcome });
  return {
    forwardTo: (upstream: Upstream) => cachingForwardTo(upstream, store, count),
    close: () => store.close(),
  };
}

function cachingForwardTo(
  upstream: Upstream,
  store: RedisResponseStore,
  count: (outcome: Outcome) => void,
): RequestHandler {
  const forward = forwardTo(upstream);
  return async (req, res, next) => {
    // An answer to a request with credentials may be meant for its sender alone: never served from
    // the shared cache, never stored in it, whatever its Cache-Control says.
    if (req.method !== 'GET' || req.header('authorization') !== undefined) {
      count('bypass');
      if (wantsOnlyStored(req)) throw notCached();
      return forward(req, res, next);
    }
    const key = `GET ${req.originalUrl}`;
    const request = policyRequest(req);
    const entry = await store.get(key);
    const cached = entry && CachePolicy.fromObject(entry.policy);
    if (entry && cached?.satisfiesWithoutRevalidation(request)) {
      count('hit');
      return serve(req, res, cached, entry.body, { fromCache: true });
    }
    count(cached ? 'stale' : 'miss');
    // A stale entry is no answer either: serving it needs the module's revalidation (or max-stale, checked above).
    if (wantsOnlyStored(req)) throw notCached();
    // Stale, or the client asked for a fresh answer (no-cache): the module confirms the stored tag or sends anew.
    const headers = cached
      ? stringsOf(cached.revalidationHeaders({ ...request, headers: outgoingHeaders(req) }))
      : outgoingHeaders(req);
    const response = await callModule(upstream, req, headers);
    const received = { status: response.statusCode, headers: storedHeadersOf(response.headers) };
    if (entry && cached && response.statusCode === 304) {
      const { policy, modified } = cached.revalidatedPolicy(request, received);
      // Modified here means the 304 confirmed the client's own tag, not the stored one: relayed below.
      if (!modified) {
        await response.body.dump();
        store.put(key, { policy: policy.toObject(), body: entry.body }, policy.timeToLive() + KEEP_STALE_MS);
        return serve(req, res, policy, entry.body, { fromCache: false });
      }
    }
    const policy = new CachePolicy(request, received, POLICY_OPTIONS);
    // Everything else streams through untouched; a storable answer is small enough to buffer.
    if (response.statusCode !== 200 || !policy.storable() || policy.timeToLive() <= 0)
      return relayAnswer(response, res);
    const body = await response.body.text();
    store.put(key, { policy: policy.toObject(), body }, policy.timeToLive() + KEEP_STALE_MS);
    serve(req, res, policy, body, { fromCache: false });
  };
}

/**
 * The request as the policy sees it. The Host a client used does not select another entry: every
 * gateway instance, under whatever name, serves the same resources.
 */
function policyRequest(req: Request): CachePolicy.Request {
  return { url: req.originalUrl, method: req.method, headers: { ...req.headers, host: undefined } };
}

function storedHeadersOf(headers: IncomingHttpHeaders): CachePolicy.Headers {
  return Object.fromEntries(
    STORED_HEADERS.filter((name) => headers[name] !== undefined).map((name) => [name, headers[name]]),
  );
}

const stringsOf = (headers: CachePolicy.Headers): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );

/**
 * A 200 with the stored headers, or 304 when the client already holds this representation. `Age`
 * only on answers from the cache: RFC 9111 §5.1, it says the module did not produce or validate this one.
 */
function serve(
  req: Request,
  res: Response,
  policy: CachePolicy,
  body: string,
  { fromCache }: { fromCache: boolean },
): void {
  const headers = policy.responseHeaders();
  if (!fromCache) delete headers.age;
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) res.setHeader(name, value);
  if (matchesIfNoneMatch(req.header('if-none-match'), headers.etag as string | undefined)) {
    res.status(304).end();
    return;
  }
  res.setHeader('content-length', Buffer.byteLength(body));
  res.status(200).end(body);
}
