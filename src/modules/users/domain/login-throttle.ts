/**
 * Login throttling per (account, address): the sixth attempt that is not followed by a success
 * within one fixed window is refused, whether or not its password would have been right, so an
 * attacker cannot keep guessing by looking at which answer comes back.
 */
export const LOGIN_THROTTLE = { maxFailures: 5, windowMs: 15 * 60_000 } as const;

/** The attempts counted so far in the current window of one (account, address). */
export interface AttemptWindow {
  /** Attempts in this window that have not been cleared by a successful login, this one included. */
  count: number;
  /** ISO-8601 start of the window. */
  windowStart: string;
}

/** Windows that started at or before this instant are over: the next attempt opens a new one. */
export const windowCutoff = (now: Date): string => new Date(now.getTime() - LOGIN_THROTTLE.windowMs).toISOString();

/** Seconds the caller must wait when this attempt is over the limit; undefined when it may proceed. */
export function retryAfterSeconds(window: AttemptWindow, now: Date): number | undefined {
  if (window.count <= LOGIN_THROTTLE.maxFailures) return undefined;
  const endsAt = Date.parse(window.windowStart) + LOGIN_THROTTLE.windowMs;
  return Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000));
}
