import type { Logger } from '../kernel/logger.js';

/**
 * A warn(source, error) that logs `message` at most once per source per `everyMs`: during a broker
 * outage every connection reports each reconnect attempt, and one line per source is enough.
 */
export function rateLimitedWarning(
  logger: Logger,
  message: string,
  everyMs = 10_000,
): (source: string, error: Error) => void {
  const lastWarned = new Map<string, number>();
  return (source, error) => {
    const now = Date.now();
    if (now - (lastWarned.get(source) ?? 0) < everyMs) return;
    lastWarned.set(source, now);
    logger.warn({ err: error, source }, message);
  };
}
