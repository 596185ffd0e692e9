import type { Logger } from '../kernel/logger.js';

/** The one command the check needs; an ioredis client fits, and so does a test double. */
export interface RedisConfigReader {
  config(subcommand: 'GET', parameter: string): Promise<unknown>;
}

/**
 * BullMQ keeps jobs as ordinary keys: a Redis that evicts under memory pressure silently drops
 * events. Throws unless `maxmemory-policy` is `noeviction`. Managed Redis often forbids CONFIG;
 * then we can only warn and trust the operator.
 */
export async function assertNoEviction(redis: RedisConfigReader, logger: Logger): Promise<void> {
  let reply: unknown;
  try {
    reply = await redis.config('GET', 'maxmemory-policy');
  } catch (error) {
    logger.warn(
      { err: error },
      'could not read Redis maxmemory-policy (CONFIG not permitted?); make sure it is "noeviction"',
    );
    return;
  }
  const policy = Array.isArray(reply) ? String(reply[1]) : undefined;
  if (policy === undefined) {
    logger.warn('Redis did not report maxmemory-policy; make sure it is "noeviction"');
  } else if (policy !== 'noeviction') {
    throw new Error(
      `Redis maxmemory-policy is "${policy}" but the BullMQ event bus needs "noeviction" (evicted keys are lost events): run CONFIG SET maxmemory-policy noeviction`,
    );
  }
}
