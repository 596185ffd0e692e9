/** The payment idempotency key of an order: every charge attempt for it, live or retried, uses it. */
export const chargeKeyOf = (orderId: string): string => `order:${orderId}`;

/**
 * Pause before background attempt `attempts + 1` of an unfinished order: exponential from 0.5 s,
 * with full jitter (orders deferred together are not retried together), never over 15 s. API.md
 * promises that a 202 checkout settles within 60 s of payments answering again: the next attempt
 * comes at most 15 s (plus the recovery's 1 s tick) after payments is back, and if it still met
 * a breaker that had not yet let a trial call through, the one after it 16 s later does.
 */
export const SETTLE_RETRY = { baseDelayMs: 500, maxDelayMs: 15_000 } as const;

/**
 * Pause before asking again about a charge that payments reports in progress: payments is fine and
 * the provider's answer is seconds away, so the order asks every 2 s at most (jittered), whatever
 * failed before.
 */
export const IN_PROGRESS_RETRY = { baseDelayMs: 500, maxDelayMs: 2_000 } as const;

/**
 * Whole milliseconds (a lease is stored as bigint epoch ms) before background attempt
 * `attempts + 1` under `policy`: `random` (in [0, 1)) times the exponential bound.
 */
export const retryDelayMs = (
  attempts: number,
  policy: { baseDelayMs: number; maxDelayMs: number },
  random = Math.random(),
): number => Math.round(random * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempts));

/**
 * Until when a payment_pending order may still be charged: its reservation expires `ttlMs` after
 * creation, and a charge must leave time to commit it. After that, the order only settles what the
 * payment provider already did (look-up, refund) and gives up.
 */
export const chargeDeadline = (createdAt: string, ttlMs: number): number =>
  Date.parse(createdAt) + ttlMs - Math.min(30_000, ttlMs / 10);

/** How long an Idempotency-Key's record is kept (and a retry replays its answer): a day. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
