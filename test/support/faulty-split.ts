// @ts-expect-error plain ESM launcher without types
import { LAYOUT } from '../../deploy/split.mjs';
import { TcpProxy } from './events-tcp-proxy.js';
import { randomBasePort, startSplitMode, type RunningSplit, type SplitModeOptions } from './modes.js';
import { REDIS_URL } from './services.js';

/** What a process talks to: another process of the layout, its PostgreSQL, or Redis. */
export type Peer = 'users' | 'catalog' | 'orders' | 'payments' | 'notifications' | 'postgres' | 'redis';

/** One directed link, `from` the process that dials, `to` what it dials. */
export interface Link {
  from: string;
  to: Peer;
}

export interface FaultySplit extends RunningSplit {
  /** The proxy on a link given at the start; faults are injected there. */
  proxy(from: string, to: Peer): TcpProxy;
}

const key = (from: string, to: Peer) => `${from}->${to}`;
const offsetOf = (name: string): number => (LAYOUT as Array<[string, number]>).find(([n]) => n === name)![1];
const ENV_KEY: Record<string, string> = { postgres: 'DATABASE_URL', redis: 'REDIS_URL' };

/** The URL `to` has in the processes' environment (PostgreSQL and Redis), or the module's own. */
function peerUrl(to: Peer, basePort: number, env: Record<string, string>): URL {
  if (to === 'postgres') return new URL(env.DATABASE_URL);
  if (to === 'redis') return new URL(env.REDIS_URL ?? REDIS_URL);
  return new URL(`http://127.0.0.1:${basePort + offsetOf(to)}`);
}

/**
 * Split mode with a fault proxy on each given link, and on that link only: `{ from: 'orders', to:
 * 'payments' }` points orders' PAYMENTS_URL at a proxy while the gateway still reaches payments
 * directly; `to: 'postgres'` and `'redis'` proxy that process's own DATABASE_URL or REDIS_URL. The
 * proxies forward cleanly until a test injects a fault; stop() closes them after the processes.
 */
export async function startFaultySplit(
  label: string,
  links: Link[],
  options: SplitModeOptions = {},
): Promise<FaultySplit> {
  const basePort = randomBasePort();
  // The database exists only once startSplitMode made it: the proxies read their target at each connection.
  let sharedEnv: Record<string, string> = {};
  const proxies = new Map<string, TcpProxy>();
  for (const { from, to } of links) {
    const target = () => {
      const url = peerUrl(to, basePort, sharedEnv);
      return { host: url.hostname, port: Number(url.port || (to === 'postgres' ? 5432 : 6379)) };
    };
    proxies.set(key(from, to), await TcpProxy.start(target));
  }
  const closeProxies = () => Promise.all([...proxies.values()].map((proxy) => proxy.close()));
  const instanceEnv = (env: Record<string, string>) => {
    sharedEnv = env;
    const perProcess: Record<string, Record<string, string>> = {};
    for (const { from, to } of links) {
      const url = peerUrl(to, basePort, env);
      url.hostname = '127.0.0.1';
      url.port = String(proxies.get(key(from, to))!.port);
      const name = ENV_KEY[to] ?? `${to.toUpperCase()}_URL`;
      perProcess[from] = { ...perProcess[from], [name]: ENV_KEY[to] ? url.toString() : url.origin };
    }
    return perProcess;
  };
  let split: RunningSplit;
  try {
    // Six processes compiling TypeScript at once on a loaded machine can take more than a minute.
    split = await startSplitMode(label, { readyTimeoutMs: 150_000, ...options, basePort, instanceEnv });
  } catch (error) {
    await closeProxies();
    throw error;
  }
  return {
    ...split,
    proxy(from, to) {
      const found = proxies.get(key(from, to));
      if (!found) throw new Error(`no fault proxy on ${key(from, to)}`);
      return found;
    },
    async stop() {
      await split.stop();
      await closeProxies();
    },
  };
}
