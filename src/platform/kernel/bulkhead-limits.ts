import { z } from 'zod';

export interface BulkheadLimits {
  /** Calls running at once. */
  concurrency: number;
  /** Calls waiting for a place; one more is refused at once. */
  queue: number;
  /** Longest a call waits for a place (less when its time budget runs out sooner). */
  maxWaitMs: number;
  /**
   * Calls one client of the edge (a user, else an address) may have in progress in this bulkhead,
   * running or waiting; one more of its calls is refused at once. Unset: no limit per client.
   */
  perClient?: number;
}

const count = (min: number, max: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be a whole number from ${min} to ${max}`)
    .max(max, `must be a whole number from ${min} to ${max}`);

/**
 * The environment variables that size every bulkhead of a process. A process is sized for 256
 * calls in flight at once; by default one module, or one remote module's calls, may run 128 of them
 * and queue 128 more for at most a second, so no module can take more than half of the process,
 * while an ordinary burst (a few hundred concurrent requests of fast work) is absorbed, not shed.
 * Of each bulkhead's places (running and queued), one client of the edge may hold a quarter (64):
 * a flood from one user or address is shed while three quarters stay free for everyone else.
 */
export const BULKHEAD_ENV = {
  BULKHEAD_CONCURRENCY: count(1, 10_000).default(128),
  BULKHEAD_QUEUE: count(0, 10_000).default(128),
  BULKHEAD_MAX_WAIT: count(0, 60_000).default(1000),
  /** Percent of a bulkhead's places (concurrency + queue) one client may hold; 100: no limit per client. */
  BULKHEAD_CLIENT_SHARE: count(1, 100).default(25),
};

export const bulkheadLimitsFrom = (env: {
  BULKHEAD_CONCURRENCY: number;
  BULKHEAD_QUEUE: number;
  BULKHEAD_MAX_WAIT: number;
  BULKHEAD_CLIENT_SHARE: number;
}): BulkheadLimits => {
  const places = env.BULKHEAD_CONCURRENCY + env.BULKHEAD_QUEUE;
  return {
    concurrency: env.BULKHEAD_CONCURRENCY,
    queue: env.BULKHEAD_QUEUE,
    maxWaitMs: env.BULKHEAD_MAX_WAIT,
    ...(env.BULKHEAD_CLIENT_SHARE < 100
      ? { perClient: Math.max(1, Math.floor((places * env.BULKHEAD_CLIENT_SHARE) / 100)) }
      : {}),
  };
};
