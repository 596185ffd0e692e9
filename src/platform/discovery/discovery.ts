import { hostname } from 'node:os';
import type { DiscoveryConfig } from '../kernel/config.js';
import type { ContractVersions } from '../kernel/contract.js';
import type { HealthCheck } from '../kernel/health-check.js';
import type { Logger } from '../kernel/logger.js';
import type { Upstream } from './upstream.js';
import { instanceRecords, newInstanceId } from './instance-record.js';
import { InstanceWatch } from './instance-watch.js';
import { ServiceRegistration } from './service-registration.js';

/** An unreachable etcd must not hold a call (or a shutdown) for long: the lists already in use stay. */
const CALL_TIMEOUT_MS = 5_000;
const DIAL_TIMEOUT_MS = 3_000;

/** A process's part in the etcd registry: it registers what it hosts and follows what it calls. */
export interface Discovery {
  /**
   * Keeps the upstream's instances equal to the registered instances of `module` (none until found);
   * with `version` (the contract this caller was built against), only those serving its major.
   */
  follow(module: string, upstream: Pick<Upstream, 'setUrls'>, version?: string): void;
  /**
   * Registers `modules` once this process serves on `port`, at ADVERTISE_URL or `http://<hostname>:<port>`,
   * with the contract versions it serves and calls.
   */
  register(modules: string[], port: number, contracts?: ContractVersions): void;
  /**
   * Ready once the registry was read and this process registered (when it registers); an etcd
   * outage after that keeps it ready on the last known list, and the report says so.
   */
  healthCheck: HealthCheck;
  /** Deletes this process's records (first thing on shutdown, so callers stop sending here). */
  deregister(): Promise<void>;
  /** Stops following and closes the etcd connection (last thing on shutdown). */
  close(): Promise<void>;
}

/**
 * Connects to etcd and starts reading the registry; never fails for an unreachable etcd (it retries).
 * The etcd client (gRPC) is loaded only here, so a process without DISCOVERY_URL never pays its memory.
 */
export async function startDiscovery(config: DiscoveryConfig, logger: Logger): Promise<Discovery> {
  const { Etcd3 } = await import('etcd3');
  const client = new Etcd3({
    hosts: config.endpoints,
    dialTimeout: DIAL_TIMEOUT_MS,
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + CALL_TIMEOUT_MS }),
  });
  const log = logger.child({ discovery: config.endpoints.join(',') });
  const watch = new InstanceWatch(client, config.prefix, log);
  watch.start();
  let registration: ServiceRegistration | undefined;

  const healthCheck: HealthCheck = {
    name: 'discovery',
    check: async () => {
      if (!watch.syncedAt) throw new Error(`etcd not read yet: ${watch.lastError ?? 'connecting'}`);
      if (registration && !registration.registeredAt)
        throw new Error(`not registered yet: ${registration.lastError ?? 'registering'}`);
      return {
        etcd: watch.lastError ? `unreachable, using the last known instances: ${watch.lastError}` : 'connected',
        registered: registration?.registered ?? false,
        instances: watch.counts(),
      };
    },
  };

  return {
    follow: (module, upstream, version) => watch.follow(module, (urls) => upstream.setUrls(urls), version),
    register(modules, port, contracts) {
      const url = config.advertiseUrl ?? `http://${hostname()}:${port}`;
      registration = new ServiceRegistration(
        client,
        config.prefix,
        instanceRecords(modules, url, newInstanceId(), contracts),
        log,
      );
      registration.start();
    },
    healthCheck,
    deregister: async () => registration?.stop(),
    async close() {
      await watch.stop();
      client.close();
    },
  };
}
