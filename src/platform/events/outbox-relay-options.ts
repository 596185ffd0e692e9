import type { ModuleDb } from '../kernel/database.js';
import type { Metrics } from '../telemetry/metrics.js';
import type { Logger } from '../kernel/logger.js';
import type { EventBus } from './event-bus.js';

export interface OutboxRelayOptions {
  module: string;
  /** The publishing module's database: the relay runs fixed SQL on its pool. */
  db: Pick<ModuleDb, 'sql' | 'dialect'>;
  bus: EventBus;
  /** The module's Outbox: the relay wakes after each commit that added events. */
  outbox: { onCommitted(listener: () => void): () => void };
  logger: Logger;
  metrics: Metrics;
  /** Fallback poll, for rows written by other processes or missed wake-ups; default 1000 ms. */
  pollIntervalMs?: number;
  /** Rows claimed, and published concurrently, per batch; default 100. */
  batchSize?: number;
  /**
   * How long a claim protects rows from other relays; default 30 s. The relay renews it every
   * third of that while the batch is in flight, so it only has to outlast a stalled renewal, not
   * the handlers; a crashed relay's rows are claimable again at most this long after the crash.
   */
  leaseMs?: number;
  /**
   * Longest wait for one publish (with the memory bus: until every consumer's handler is done,
   * queueing included); it then counts as a failed attempt, so a hung handler cannot hold the relay
   * (and shutdown) forever. Default 120 s.
   */
  publishTimeoutMs?: number;
  /** Longest pause between cycles while the bus itself is unreachable; default 30 s. */
  maxBackoffMs?: number;
  /** Failed publishes of one row (bus reachable, e.g. a consumer failed) before it is dead-lettered; default 10. */
  maxAttempts?: number;
  /** Retry n of a row waits about retryBaseMs·2^(n-1) (jittered between half and all of it); default 200 ms. */
  retryBaseMs?: number;
  /** Cap of a row's retry delay; default 60 s. */
  maxRetryDelayMs?: number;
}

export type ResolvedRelayOptions = Readonly<Required<OutboxRelayOptions>>;

/** Fills in the defaults once, at construction, so the rest of the relay never has to know them. */
export const resolveRelayOptions = (options: OutboxRelayOptions): ResolvedRelayOptions => ({
  ...options,
  pollIntervalMs: options.pollIntervalMs ?? 1000,
  batchSize: options.batchSize ?? 100,
  leaseMs: options.leaseMs ?? 30_000,
  publishTimeoutMs: options.publishTimeoutMs ?? 120_000,
  maxBackoffMs: options.maxBackoffMs ?? 30_000,
  maxAttempts: options.maxAttempts ?? 10,
  retryBaseMs: options.retryBaseMs ?? 200,
  maxRetryDelayMs: options.maxRetryDelayMs ?? 60_000,
});
