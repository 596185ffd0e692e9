/** The payment idempotency key of an order: every charge attempt for it, live or retried, uses it. */
export const chargeKeyOf = (orderId: string): string => `order:${orderId}`;

const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

/** Pause before background attempt `attempts + 1`: doubling from 0.5 s, capped at 30 s. */
export const retryDelayMs = (attempts: number): number =>
  Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.min(attempts, 16));

/**
 * Until when a payment_pending order may still be charged: its reservation expires `ttlMs` after
 * creation, and a charge must leave time to commit it. After that, the order only settles what the
 * payment provider already did (look-up, refund) and gives up.
 */
export const chargeDeadline = (createdAt: string, ttlMs: number): number =>
  Date.parse(createdAt) + ttlMs - Math.min(30_000, ttlMs / 10);

/** How long an Idempotency-Key's record is kept (and a retry replays its answer): a day. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;
