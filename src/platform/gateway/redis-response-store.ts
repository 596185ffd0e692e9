import type CachePolicy from 'http-cache-semantics';
import { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import type { Logger } from '../kernel/logger.js';

/** A stored answer: its cache policy (what decides reuse, including when it was received) and its body. */
export interface StoredResponse {
  policy: CachePolicy.CachePolicyObject;
  body: string;
}

/** With Redis down every request would report it again: one line per this period, with the count it stands for. */
const LOG_EVERY_MS = 30_000;
/** A lookup that takes longer is treated as a miss: a slow Redis must not slow down the reads it is meant to speed up. */
const COMMAND_TIMEOUT_MS = 200;

export interface RedisResponseStoreOptions {
  url: string;
  /** Prepended to every key, e.g. `shop:httpcache:`. */
  keyPrefix: string;
  logger: Logger;
  /** Counts lookups and stores that could not use Redis. */
  failures: Counter;
}

/**
 * Answers kept in Redis, so every gateway instance shares them. Redis is an optimisation here, never
 * a dependency: while it is down or slow a lookup is a miss at once (no offline queue, a short
 * command timeout) and the request is simply forwarded.
 */
export class RedisResponseStore {
  private client: Redis | undefined;
  private lastLoggedAt = 0;
  private unlogged = 0;

  constructor(private readonly options: RedisResponseStoreOptions) {}

  async get(key: string): Promise<StoredResponse | undefined> {
    const client = this.usableClient();
    if (!client) return undefined;
    try {
      const text = await client.get(this.options.keyPrefix + key);
      return text ? (JSON.parse(text) as StoredResponse) : undefined;
    } catch (error) {
      this.failed(error);
      return undefined;
    }
  }

  /** Not awaited by callers: the client's answer never waits for the write. */
  put(key: string, response: StoredResponse, ttlMs: number): void {
    this.usableClient()
      ?.set(this.options.keyPrefix + key, JSON.stringify(response), 'PX', Math.max(1, Math.ceil(ttlMs)))
      .catch((error: unknown) => this.failed(error));
  }

  close(): void {
    this.client?.disconnect();
  }

  /** Connects on first use (a gateway whose cache never sees a request never dials Redis); undefined until ready. */
  private usableClient(): Redis | undefined {
    this.client ??= this.connect();
    if (this.client.status === 'ready') return this.client;
    this.options.failures.inc();
    return undefined;
  }

  private connect(): Redis {
    const client = new Redis(this.options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 250, 5000),
    });
    client.on('error', (error: unknown) => this.logRarely(error));
    return client;
  }

  private failed(error: unknown): void {
    this.options.failures.inc();
    this.logRarely(error);
  }

  private logRarely(error: unknown): void {
    const now = Date.now();
    if (now - this.lastLoggedAt < LOG_EVERY_MS) {
      this.unlogged += 1;
      return;
    }
    this.options.logger.warn(
      { err: error, alsoSince: this.unlogged },
      'HTTP cache: Redis unavailable, public GETs are forwarded uncached',
    );
    this.lastLoggedAt = now;
    this.unlogged = 0;
  }
}
