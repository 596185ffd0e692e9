import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import { Counter } from 'prom-client';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../kernel/config.js';
import { AppError } from '../kernel/errors.js';
import type { Logger } from '../kernel/logger.js';
import type { Metrics } from '../telemetry/metrics.js';

const WINDOW_SECONDS = 60;
/** The policy's name in the RateLimit-Policy and RateLimit fields (draft-ietf-httpapi-ratelimit-headers-10). */
const POLICY = '"per-address"';
// A healthy Redis answers in about a millisecond; a request never waits longer than this on a hung one.
const REDIS_COMMAND_TIMEOUT_MS = 200;
// After a Redis failure the next requests skip it for a while, so a hung Redis costs one timeout per
// second rather than one per request.
const REDIS_COOL_DOWN_MS = 1000;
const REDIS_READY_WAIT_MS = 2000;
// An outage fails every request and every reconnect attempt; one line per 10 s is enough.
const WARN_EVERY_MS = 10_000;

export interface EdgeRateLimit {
  /** Counts the request against its client address; past the budget, answers 429 `rate_limited`. */
  middleware: RequestHandler;
  close(): void;
}

/** A consumption that went over the budget is reported as the limiter's rejection; both carry the counts. */
const settle = (consumption: Promise<RateLimiterRes>) =>
  consumption.catch((rejection: unknown) => {
    if (rejection instanceof RateLimiterRes) return rejection;
    throw rejection;
  });

/**
 * The edge's per-address budget (RATE_LIMIT_PER_MINUTE requests per fixed 60 s window), or
 * undefined when it is 0. A process that uses Redis (the gateway, EVENT_BUS=bullmq) counts there
 * under `<BULLMQ_PREFIX>:ratelimit:<address>`, so its instances share one budget; while Redis
 * fails, each instance counts in its own memory (warned and counted, never a 5xx).
 */
export async function edgeRateLimit(
  config: Config,
  logger: Logger,
  metrics: Metrics,
): Promise<EdgeRateLimit | undefined> {
  const points = config.rateLimitPerMinute;
  if (points === 0) return undefined;
  const local = new RateLimiterMemory({ points, duration: WINDOW_SECONDS });
  let lastWarned = 0;
  function warn(error: Error): void {
    if (Date.now() - lastWarned < WARN_EVERY_MS) return;
    lastWarned = Date.now();
    logger.warn({ err: error }, 'Redis unreachable for rate limits; each instance counts in its own memory meanwhile');
  }
  const usesRedis = config.gateway || config.eventBus === 'bullmq';
  const redis = usesRedis ? await connectRedis(config.redisUrl, warn) : undefined;
  const shared = redis
    ? new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${config.bullmqPrefix}:ratelimit`,
        points,
        duration: WINDOW_SECONDS,
        rejectIfRedisNotReady: true,
      })
    : undefined;
  const countedLocally = new Counter({
    name: 'rate_limit_store_failures_total',
    help: 'Requests counted in this instance memory because the shared Redis rate-limit counters failed',
    registers: [metrics.registry],
  });
  let redisSkippedUntil = 0;

  async function count(address: string): Promise<RateLimiterRes> {
    if (shared && Date.now() >= redisSkippedUntil) {
      try {
        return await settle(shared.consume(address));
      } catch (error) {
        redisSkippedUntil = Date.now() + REDIS_COOL_DOWN_MS;
        warn(error as Error);
      }
    }
    if (shared) countedLocally.inc();
    return settle(local.consume(address));
  }

  const middleware: RequestHandler = async (req, res, next) => {
    // req.ip is the socket's address unless TRUSTED_PROXIES names the proxy it came through.
    const state = await count(req.ip ?? req.socket.remoteAddress ?? 'unknown');
    // Retry-After and the reset parameter name the same moment, as the draft asks.
    const resetSeconds = Math.max(1, Math.ceil(state.msBeforeNext / 1000));
    res.setHeader('RateLimit-Policy', `${POLICY};q=${points};w=${WINDOW_SECONDS}`);
    res.setHeader('RateLimit', `${POLICY};r=${state.remainingPoints};t=${resetSeconds}`);
    if (state.consumedPoints <= points) return next();
    next(
      new AppError('rate_limited', `More than ${points} requests in ${WINDOW_SECONDS} s from this address`, {
        retryAfterSeconds: resetSeconds,
      }),
    );
  };
  return { middleware, close: () => redis?.disconnect() };
}

/** ioredis is loaded only here: a monolith on the in-process bus never carries it. */
async function connectRedis(url: string, onError: (error: Error) => void): Promise<Redis> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    // No offline queue, no retries: while Redis is away a command fails at once and the request is counted in memory.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  redis.on('error', onError);
  // Counting starts in Redis when it answers in time; otherwise in memory until it does.
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, REDIS_READY_WAIT_MS);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return redis;
}
