import type { Etcd3, Lease } from 'etcd3';
import type { Logger } from '../kernel/logger.js';
import { backoffDelay } from '../resilience/retry.js';
import { instanceKey, type InstanceRecord } from './instance-record.js';

/** A killed instance disappears from every caller's list at most this long after its last keepalive. */
export const LEASE_TTL_SECONDS = 10;
/** Retrying a failed registration: quick at first (etcd restarting), then every 10 s at most. */
const RETRY = { baseDelayMs: 250, maxDelayMs: 10_000 };
/** Shutdown must not wait on an unreachable etcd: the lease then runs out by itself. */
const REVOKE_TIMEOUT_MS = 2_000;

/**
 * Keeps this process's records in etcd under one lease (TTL 10 s, kept alive by the client). When
 * the lease is lost (etcd unreachable for longer than the TTL, restarted without its data, or the
 * grant failed), a new lease is granted and the records are written again, with backoff, until
 * `stop()`. It never throws to its caller: a process serves whether or not it could register.
 */
export class ServiceRegistration {
  private lease?: Lease;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  private failures = 0;
  /** Whether every record is written under a live lease right now. */
  registered = false;
  /** When the records were first written: a process that never registered is not ready. */
  registeredAt?: Date;
  lastError?: string;

  constructor(
    private readonly client: Etcd3,
    private readonly prefix: string,
    private readonly records: InstanceRecord[],
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.register();
  }

  /** Deletes the records at once (revoking the lease), so callers stop sending here before the drain. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.registered = false;
    const lease = this.lease;
    if (!lease) return;
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, REVOKE_TIMEOUT_MS).unref());
    await Promise.race([
      lease.revoke({ deadline: Date.now() + REVOKE_TIMEOUT_MS }).then(
        () => this.logger.info({ keys: this.keys() }, 'discovery: deregistered'),
        (error: unknown) => this.logger.warn({ err: error }, 'discovery: deregistration failed; the lease will expire'),
      ),
      timeout,
    ]);
  }

  private keys(): string[] {
    return this.records.map((record) => instanceKey(this.prefix, record.module, record.instanceId));
  }

  private async register(): Promise<void> {
    if (this.stopped) return;
    const lease = this.client.lease(LEASE_TTL_SECONDS);
    this.lease = lease;
    lease.on('lost', (error) => this.retry(lease, error));
    try {
      for (const record of this.records) {
        await lease.put(instanceKey(this.prefix, record.module, record.instanceId)).value(JSON.stringify(record));
      }
      if (lease !== this.lease || lease.revoked()) return;
      this.registered = true;
      this.registeredAt ??= new Date();
      this.lastError = undefined;
      this.failures = 0;
      this.logger.info({ keys: this.keys(), url: this.records[0]?.url }, 'discovery: registered');
    } catch (error) {
      this.retry(lease, error);
    }
  }

  /** Once per lost lease (its `lost` event and the failed put may both report the same loss). */
  private retry(lease: Lease, error: unknown): void {
    if (lease !== this.lease || this.stopped) return;
    this.lease = undefined;
    this.registered = false;
    this.lastError = (error as Error).message;
    // A lease that was granted may still be alive in etcd: revoke it so no stale record lingers.
    lease.revoke().catch(() => undefined);
    const delayMs = backoffDelay(this.failures++, RETRY);
    this.logger.warn({ err: error, retryInMs: Math.round(delayMs) }, 'discovery: registration lost; registering again');
    this.retryTimer = setTimeout(() => void this.register(), delayMs);
    this.retryTimer.unref();
  }
}
