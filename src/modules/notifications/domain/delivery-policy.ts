/**
 * When to try a delivery again. A failed send is retried with exponential backoff (1 s, 2 s, 4 s …,
 * at most 10 min apart) and given up after {@link MAX_DELIVERY_ATTEMPTS}; the row then stays `failed`.
 */
export const MAX_DELIVERY_ATTEMPTS = 8;

const FIRST_RETRY_MS = 1000;
const LONGEST_RETRY_MS = 10 * 60_000;

/**
 * How long one delivery may take before another worker presumes it lost (its process died between
 * storing and sending) and tries again. Longer than the mailer's own timeouts, so a slow send is
 * never doubled by a retry.
 */
export const DELIVERY_LEASE_MS = 2 * 60_000;

/** Delay before the next attempt after `attempts` failed ones, or undefined once it is time to give up. */
export function retryDelayMs(attempts: number): number | undefined {
  if (attempts >= MAX_DELIVERY_ATTEMPTS) return undefined;
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(attempts - 1, 0), LONGEST_RETRY_MS);
}
