import { z } from 'zod';

export interface BulkheadLimits {
  /** Calls running at once. */
  concurrency: number;
  /** Calls waiting for a place; one more is refused at once. */
  queue: number;
  /** Longest a call waits for a place (less when its time budget runs out sooner). */
  maxWaitMs: number;
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
 */
export const BULKHEAD_ENV = {
  BULKHEAD_CONCURRENCY: count(1, 10_000).default(128),
  BULKHEAD_QUEUE: count(0, 10_000).default(128),
  BULKHEAD_MAX_WAIT: count(0, 60_000).default(1000),
};

export const bulkheadLimitsFrom = (env: {
  BULKHEAD_CONCURRENCY: number;
  BULKHEAD_QUEUE: number;
  BULKHEAD_MAX_WAIT: number;
}): BulkheadLimits => ({
  concurrency: env.BULKHEAD_CONCURRENCY,
  queue: env.BULKHEAD_QUEUE,
  maxWaitMs: env.BULKHEAD_MAX_WAIT,
});
