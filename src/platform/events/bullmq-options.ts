/** Where the BullMQ event bus keeps its queues. */
export interface BullmqConnection {
  redisUrl: string;
  /** Prefix of every Redis key (BULLMQ_PREFIX), so deployments and test runs can share one Redis. */
  prefix: string;
}

export interface BullmqEventBusOptions {
  /** Deliveries tried before a job is dead-lettered (kept in the failed set); default 10. */
  attempts?: number;
  /** First retry delay, doubled on each retry; default 1000 ms. */
  backoffMs?: number;
  /** Jobs one consume() handles at once; default 10. */
  concurrency?: number;
  /** publish() rejects after this long, so the outbox keeps the row; default 1500 ms. */
  publishTimeoutMs?: number;
  /** How long a worker owns a job without renewing; a killed worker's jobs return after it. Default 30 s. */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired; default 30 s. */
  stalledIntervalMs?: number;
}

/** The queue of one consuming module. */
export const queueName = (module: string): string => `events-${module}`;
