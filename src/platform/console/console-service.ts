import type { Registry } from 'prom-client';
import { MODULE_NAMES } from '../kernel/config.js';
import type { ContractVersions } from '../kernel/contract.js';
import type { StoredTrace, TraceQuery, TraceStore } from '../telemetry/trace-store.js';
import { CallWindow, type CallEdge } from './call-window.js';
import type { ConsoleInstance, InstanceHealth, PeerClient } from './peer-client.js';
import { readRegistry, type ProcessSnapshot } from './process-snapshot.js';
import type { QueueDepthReader } from './queue-depths.js';
import { joinTraces, summarize, type TraceSummary } from './trace-join.js';

export interface ConsoleServiceOptions {
  /** `service.name` of this process. */
  service: string;
  hostedModules: string[];
  /** The contract versions this process serves and calls (none for the gateway). */
  contracts?: ContractVersions;
  bus: ProcessSnapshot['bus'];
  registry: Registry;
  traces: TraceStore;
  /** This process's base URL, known once it listens. */
  selfUrl(): string;
  /** The instances of a module hosted elsewhere, as this process knows them now (URL lists or discovery). */
  instancesOf(module: string): string[];
  /** The gateway: every module's instances are read too, so its console covers the whole shop. */
  gather: boolean;
  peers: PeerClient;
  queues?: QueueDepthReader;
}

/** A snapshot with the process it came from; `error` when that process could not be read. */
export type SourcedSnapshot = { instance: string; snapshot?: ProcessSnapshot; error?: string };

/** A search: by id, order or request; `traceIds` asks for those traces whole (how the gateway joins them). */
export type ConsoleTraceQuery = TraceQuery & { traceIds?: string[]; limit: number };

const SNAPSHOT_TTL_MS = 1000;

/**
 * What the console shows, from this process alone, or (the gateway) joined from every instance of
 * every module over their internal console routes: readings made within a second are shared, so
 * the page's several panels cost one round of calls.
 */
export class ConsoleService {
  private readonly window = new CallWindow();
  private cached?: { at: number; snapshots: Promise<SourcedSnapshot[]> };

  constructor(private readonly options: ConsoleServiceOptions) {}

  async overview() {
    const { options } = this;
    const modules = await Promise.all(
      MODULE_NAMES.map(async (name) => {
        if (options.hostedModules.includes(name))
          return {
            name,
            location: 'local' as const,
            instances: [{ url: options.selfUrl(), healthy: true, contracts: options.contracts }],
          };
        const instances: InstanceHealth[] = await Promise.all(
          options.instancesOf(name).map((url) => options.peers.health(url)),
        );
        return { name, location: 'remote' as const, instances };
      }),
    );
    return {
      process: { service: options.service, url: options.selfUrl(), modules: options.hostedModules },
      modules,
      generatedAt: new Date().toISOString(),
    };
  }

  async calls(): Promise<{ edges: CallEdge[]; generatedAt: string }> {
    const snapshots = await this.snapshots();
    const edges = this.window.edges(snapshots.flatMap(({ snapshot }) => snapshot?.calls ?? []));
    return { edges, generatedAt: new Date().toISOString() };
  }

  async resilience() {
    const snapshots = await this.snapshots();
    const rows = <K extends 'breakers' | 'outbox' | 'deadLetters' | 'queues'>(key: K) =>
      snapshots.flatMap(({ instance, snapshot }) =>
        (snapshot?.[key] ?? []).map((row: ProcessSnapshot[K][number]) => ({
          instance,
          service: snapshot!.service,
          ...row,
        })),
      );
    return {
      processes: snapshots.map(({ instance, snapshot, error }) => ({
        instance,
        service: snapshot?.service ?? null,
        bus: snapshot?.bus ?? null,
        ...(error ? { error } : {}),
      })),
      breakers: rows('breakers'),
      outbox: rows('outbox'),
      deadLetters: rows('deadLetters'),
      queues: rows('queues'),
      generatedAt: new Date().toISOString(),
    };
  }

  /** The newest matching traces (the latest when no criterion is given), joined across processes. */
  async traces(query: ConsoleTraceQuery): Promise<{ items: TraceSummary[] }> {
    const found = joinTraces(await this.traceParts(query));
    found.sort((a, b) => b.startMs - a.startMs);
    const ids = found.slice(0, query.limit).map((trace) => trace.traceId);
    if (!this.options.gather) return { items: found.slice(0, query.limit).map(summarize) };
    // A process holds only its part of a trace: fetch every part of the ones found.
    const whole = joinTraces(await this.traceParts({ traceIds: ids, limit: ids.length }));
    whole.sort((a, b) => b.startMs - a.startMs);
    return { items: whole.map(summarize) };
  }

  async trace(traceId: string): Promise<StoredTrace | undefined> {
    return joinTraces(await this.traceParts({ traceIds: [traceId], limit: 1 }))[0];
  }

  /** This process's own console data: what the internal routes answer the gateway. */
  async ownSnapshot(): Promise<ProcessSnapshot> {
    const { options } = this;
    return {
      service: options.service,
      modules: options.hostedModules,
      bus: options.bus,
      ...(await readRegistry(options.registry)),
      queues: (await options.queues?.read()) ?? [],
    };
  }

  ownTraces(query: ConsoleTraceQuery): StoredTrace[] {
    const store = this.options.traces;
    if (query.traceIds) return query.traceIds.flatMap((traceId) => store.findTraces({ traceId }));
    const { traceId, orderId, requestId } = query;
    if (traceId === undefined && orderId === undefined && requestId === undefined)
      return store.recentTraces(query.limit);
    return store.findTraces({ traceId, orderId, requestId }).slice(0, query.limit);
  }

  private async traceParts(query: ConsoleTraceQuery): Promise<StoredTrace[]> {
    const own = this.ownTraces(query);
    if (!this.options.gather) return own;
    const path = `/internal/console/traces?${traceSearch(query)}`;
    const parts = await Promise.all(
      this.instances().map((instance) =>
        this.options.peers.internal<{ items: StoredTrace[] }>(instance, path).then(
          (answer) => answer.items,
          () => [],
        ),
      ),
    );
    return [...own, ...parts.flat()];
  }

  private snapshots(): Promise<SourcedSnapshot[]> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > SNAPSHOT_TTL_MS)
      this.cached = { at: now, snapshots: this.readSnapshots() };
    return this.cached.snapshots;
  }

  private async readSnapshots(): Promise<SourcedSnapshot[]> {
    const own = { instance: this.options.selfUrl(), snapshot: await this.ownSnapshot() };
    if (!this.options.gather) return [own];
    const others = await Promise.all(
      this.instances().map((instance) =>
        this.options.peers.internal<ProcessSnapshot>(instance, '/internal/console/snapshot').then(
          (snapshot): SourcedSnapshot => ({ instance: instance.url, snapshot }),
          (error: Error): SourcedSnapshot => ({ instance: instance.url, error: error.message }),
        ),
      ),
    );
    return [own, ...others];
  }

  /** Every instance of every module, once (a process may host several: it is read as the first). */
  private instances(): ConsoleInstance[] {
    const byUrl = new Map<string, ConsoleInstance>();
    for (const callee of MODULE_NAMES)
      for (const url of this.options.instancesOf(callee)) if (!byUrl.has(url)) byUrl.set(url, { url, callee });
    return [...byUrl.values()];
  }
}

function traceSearch(query: ConsoleTraceQuery): string {
  const params = new URLSearchParams({ limit: String(query.limit) });
  if (query.traceIds) params.set('traceIds', query.traceIds.join(','));
  for (const key of ['traceId', 'orderId', 'requestId'] as const) if (query[key]) params.set(key, query[key]);
  return params.toString();
}
