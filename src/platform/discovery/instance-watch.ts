import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import type { Logger } from '../kernel/logger.js';
import { backoffDelay } from '../resilience/retry.js';
import {
  instanceRecordSchema,
  moduleOfKey,
  servesVersion,
  servicesPrefix,
  type InstanceRecord,
} from './instance-record.js';

const RETRY = { baseDelayMs: 250, maxDelayMs: 10_000 };

/** Called with the current base URLs of a module (sorted, no duplicates; empty when none is registered). */
export type UrlsListener = (urls: string[]) => void;

/**
 * The live list of registered instances: read once, then kept current by a watch on the prefix
 * from the revision it was read at, so no change in between is missed. While etcd is unreachable
 * the last known list stays in use (its dead instances are skipped by the callers' breakers) and
 * the etcd client reconnects the watch, resuming where it stopped; a watch etcd cancels (its
 * history compacted) or a failed first read starts over from a fresh read, with backoff.
 */
export class InstanceWatch {
  private readonly records = new Map<string, InstanceRecord>();
  private readonly listeners = new Map<string, { listener: UrlsListener; version?: string }[]>();
  private watcher?: Watcher;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;
  /** When the list was first read: until then nothing registered is known. */
  syncedAt?: Date;
  /** Why etcd cannot be read right now; undefined while the watch is connected. */
  lastError?: string;

  constructor(
    private readonly client: Etcd3,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.sync();
  }

  /**
   * Feeds `listener` the URLs of `module` now (empty until the first read) and after every change;
   * with `version`, only those of instances serving that contract major (two majors side by side).
   */
  follow(module: string, listener: UrlsListener, version?: string): void {
    this.listeners.set(module, [...(this.listeners.get(module) ?? []), { listener, version }]);
    listener(this.urlsOf(module, version));
  }

  urlsOf(module: string, version?: string): string[] {
    const urls = [...this.records.values()]
      .filter((record) => record.module === module && (!version || servesVersion(record, version)))
      .map(({ url }) => url);
    return [...new Set(urls)].sort();
  }

  /** Registered instances per module, for the readiness report. */
  counts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { module } of this.records.values()) counts[module] = (counts[module] ?? 0) + 1;
    return counts;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.watcher?.cancel().catch(() => undefined);
  }

  private async sync(): Promise<void> {
    if (this.stopped) return;
    try {
      const listing = await this.client.getAll().prefix(servicesPrefix(this.prefix)).exec();
      const watcher = await this.client
        .watch()
        .prefix(servicesPrefix(this.prefix))
        .startRevision((BigInt(listing.header.revision) + 1n).toString())
        .create();
      if (this.stopped) return void (await watcher.cancel());
      this.watcher = watcher;
      watcher
        .on('put', (kv) => this.change(kv))
        .on('delete', (kv) => this.change(kv))
        .on('disconnected', (error) => this.disconnected(error))
        .on('connected', () => (this.lastError = undefined))
        .on('error', (error) => this.restart(watcher, error));
      this.replaceAll(listing.kvs);
      this.syncedAt ??= new Date();
      this.lastError = undefined;
      this.failures = 0;
    } catch (error) {
      this.retryLater(error);
    }
  }

  private change(kv: IKeyValue): void {
    const key = kv.key.toString();
    const module = moduleOfKey(this.prefix, key);
    if (!module) return;
    const record = kv.value.length > 0 ? this.parse(key, kv.value) : undefined;
    if (record) this.records.set(key, record);
    else this.records.delete(key);
    this.publish(module);
  }

  private replaceAll(kvs: IKeyValue[]): void {
    const before = new Set([...this.records.values()].map(({ module }) => module));
    this.records.clear();
    for (const kv of kvs) {
      const key = kv.key.toString();
      const record = moduleOfKey(this.prefix, key) ? this.parse(key, kv.value) : undefined;
      if (record) this.records.set(key, record);
    }
    for (const module of new Set([...before, ...this.listeners.keys()])) this.publish(module);
  }

  private parse(key: string, value: Buffer): InstanceRecord | undefined {
    try {
      const record = instanceRecordSchema.parse(JSON.parse(value.toString()));
      // The key says which module: a record that claims another is not trusted with its traffic.
      return record.module === moduleOfKey(this.prefix, key) ? record : undefined;
    } catch (error) {
      this.logger.warn({ key, err: error }, 'discovery: ignoring a malformed instance record');
      return undefined;
    }
  }

  private publish(module: string): void {
    for (const { listener, version } of this.listeners.get(module) ?? []) listener(this.urlsOf(module, version));
  }

  private disconnected(error: Error): void {
    if (this.lastError === undefined)
      this.logger.warn({ err: error }, 'discovery: etcd watch disconnected; keeping the last known instances');
    this.lastError = error.message;
  }

  private restart(watcher: Watcher, error: Error): void {
    if (watcher !== this.watcher) return;
    this.watcher = undefined;
    void watcher.cancel().catch(() => undefined);
    this.retryLater(error);
  }

  private retryLater(error: unknown): void {
    if (this.stopped) return;
    this.lastError = (error as Error).message;
    const delayMs = backoffDelay(this.failures++, RETRY);
    this.logger.warn(
      { err: error, retryInMs: Math.round(delayMs) },
      'discovery: cannot read the registry; keeping the last known instances',
    );
    this.retryTimer = setTimeout(() => void this.sync(), delayMs);
    this.retryTimer.unref();
  }
}
