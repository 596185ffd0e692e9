import type { Registry } from 'prom-client';
import type { Dispatcher, Pool } from 'undici';
import { onDemand } from '../kernel/on-demand.js';
import type { Logger } from '../kernel/logger.js';
import { probeInstance, type InstanceHealth } from './instance-probe.js';
import { awayFromHeldSlot, type Bulkhead } from '../resilience/bulkhead.js';
import { CircuitOpenError, createBreaker, type Breaker } from '../resilience/circuit-breaker.js';
import { assertBudgetLeft, budgetHeader, callWaitMs } from '../resilience/time-budget.js';

export interface UpstreamOptions {
  /** Who is called (a module, or `gateway:<module>`): names breakers, metrics and messages. */
  name: string;
  urls: string[];
  logger: Logger;
  registry: Registry;
  /** Longest wait for the answer's headers, and then between two chunks of its body. */
  timeoutMs: number;
  /** Answers that say the instance is failing (the contract client: any 5xx); by default none. */
  isFailedAnswer?(statusCode: number): boolean;
  /** Answers refusing the request before any work (another contract major): the next instance is asked. */
  isRefusal?(response: Dispatcher.ResponseData): boolean;
  /** Limits the calls in flight to this module, so a slow one cannot take every connection and caller. */
  bulkhead?: Bulkhead;
}

export interface UpstreamRequest {
  method: Dispatcher.HttpMethod;
  path: string;
  headers: Record<string, string>;
  /** Bytes, not a stream: a request may have to be sent again to the next instance. */
  body?: string | Buffer;
  /** Safe to send again after it may have reached an instance (a socket died mid-call). */
  idempotent: boolean;
}

/** No instance answered: unreachable, timed out, answered with a failure, or every breaker is open. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    /** Every instance's breaker is open: trying again at once is pointless. */
    readonly allOpen = false,
  ) {
    super(message);
  }
}

/**
 * Safe to send to the next instance after a socket died mid-call: idempotent by nature, or carrying
 * an Idempotency-Key, which the owning module dedupes (a replay, or 409 while the first still runs).
 * A POST sent on a kept-alive connection to an instance killed a moment before fails this way.
 */
const resendable = (request: UpstreamRequest) => request.idempotent || request.headers['idempotency-key'] !== undefined;

/** No connection was made, so the request cannot have reached the instance. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);
/** The socket broke before an answer: the request may or may not have been handled. */
const SOCKET_FAILURES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);

const errorCode = (error: unknown): string | undefined => (error as { code?: string } | undefined)?.code;

interface Instance {
  url: string;
  pool: Pool;
  breaker: Breaker;
}

/**
 * The instances of one module behind keep-alive connection pools (undici), balanced round robin
 * over those whose breaker is not open. An instance that keeps failing is left out for the
 * breaker's cool-down and then tried again with one call. A request that could not reach an
 * instance (connection refused) moves on to the next one at once, so one dead instance costs its
 * callers nothing while another is up. Calls run under the module's bulkhead and within the
 * request's time budget, which travels on to the instance.
 */
export class Upstream {
  private instances: Instance[] = [];
  private next = 0;

  constructor(private readonly options: UpstreamOptions) {
    this.setUrls(options.urls);
  }

  get urls(): string[] {
    return this.instances.map((instance) => instance.url);
  }

  /** Replaces the instance list (discovery); instances that stay keep their pool and breaker. */
  setUrls(urls: string[]): void {
    const kept = new Map(this.instances.map((instance) => [instance.url, instance]));
    this.instances = [...new Set(urls)].map((url) => kept.get(url) ?? this.connect(url));
    for (const [url, instance] of kept) if (!urls.includes(url)) this.disconnect(instance);
  }

  request(request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    assertBudgetLeft();
    const { bulkhead } = this.options;
    return awayFromHeldSlot(() =>
      bulkhead ? bulkhead.run(() => this.tryInstances(request)) : this.tryInstances(request),
    );
  }

  private async tryInstances(request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    const candidates = this.rotation();
    const failures: string[] = [];
    let refusal: Dispatcher.ResponseData | undefined;
    for (const instance of candidates) {
      try {
        const response = await instance.breaker.fire(() => this.send(instance, request));
        void refusal?.body.dump();
        if (!this.options.isRefusal?.(response)) return response;
        refusal = response;
      } catch (error) {
        if (error instanceof UpstreamError) throw error;
        if (error instanceof CircuitOpenError) continue;
        failures.push(`${instance.url}: ${(error as Error).message}`);
        if (!this.mayMoveOn(error, request)) break;
      }
    }
    // When no instance takes it, the last refusal is the answer (it names both versions).
    if (refusal) return refusal;
    if (failures.length === 0)
      throw new UpstreamError(`${this.options.name} is unavailable (no instance, or every circuit open)`, true);
    throw new UpstreamError(`${this.options.name} unreachable: ${failures.join('; ')}`);
  }

  /** Asks every instance, breakers aside, whether it answers `path` with a 2xx (and its contract versions). */
  probe(path: string, timeoutMs: number): Promise<InstanceHealth[]> {
    return Promise.all(this.instances.map(({ url, pool }) => probeInstance(url, pool, path, timeoutMs)));
  }

  async close(): Promise<void> {
    const instances = this.instances;
    this.instances = [];
    await Promise.all(instances.map((instance) => this.disconnect(instance)));
  }

  private async send(instance: Instance, request: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    // Waiting past the caller's budget is pointless: it has given up by then. The instance learns
    // how long it is waited for, so it can answer "not yet" in time instead of being timed out.
    const timeoutMs = callWaitMs(this.options.timeoutMs);
    const response = await instance.pool.request({
      method: request.method,
      path: request.path,
      headers: { ...request.headers, ...budgetHeader(timeoutMs) },
      body: request.body,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    if (this.options.isFailedAnswer?.(response.statusCode)) {
      await response.body.dump();
      throw new Error(`answered ${response.statusCode}`);
    }
    return response;
  }

  private mayMoveOn(error: unknown, request: UpstreamRequest): boolean {
    const code = errorCode(error) ?? errorCode((error as { cause?: unknown }).cause);
    if (!code) return false;
    return CONNECT_FAILURES.has(code) || (resendable(request) && SOCKET_FAILURES.has(code));
  }

  /** Every instance whose breaker is not open, once, starting with the next in turn. */
  private rotation(): Instance[] {
    const start = this.next++ % Math.max(this.instances.length, 1);
    const ordered = [...this.instances.slice(start), ...this.instances.slice(0, start)];
    return ordered.filter((instance) => !instance.breaker.isOpen());
  }

  private connect(url: string): Instance {
    const { Pool } = onDemand<typeof import('undici')>('undici');
    // As many as the bulkhead lets run: with fewer, admitted calls queue unseen behind slow ones.
    const connections = this.options.bulkhead?.limits.concurrency ?? 64;
    return {
      url,
      pool: new Pool(new URL(url).origin, { connections, keepAliveTimeout: 4_000 }),
      breaker: createBreaker({
        name: `${this.options.name} ${url}`,
        logger: this.options.logger,
        registry: this.options.registry,
        isHealthyFailure: () => false,
      }),
    };
  }

  private async disconnect(instance: Instance): Promise<void> {
    instance.breaker.shutdown();
    await instance.pool.close();
  }
}
