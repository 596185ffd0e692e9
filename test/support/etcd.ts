import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const inCi = process.env.CI === 'true';

/** True when the `etcd` binary runs; false (with a printed reason) otherwise; throws when CI=true. */
export function requireEtcd(): boolean {
  const probe = spawnSync('etcd', ['--version'], { encoding: 'utf8' });
  if (probe.status === 0) return true;
  const reason = `etcd cannot be run (${probe.error?.message ?? probe.stderr})`;
  // CI must not pass by skipping: .ci/run installs etcd-server, so a missing etcd there is a failure.
  if (inCi) throw new Error(`${reason}; CI=true requires it`);
  console.warn(`skipping tests that need ${reason}`);
  return false;
}

/** One throwaway etcd: its client URL, `etcd://` form for DISCOVERY_URL, and the teardown. */
export interface TestEtcd {
  /** `http://127.0.0.1:<port>`, for the etcd3 client and health probes. */
  clientUrl: string;
  /** `etcd://127.0.0.1:<port>`, as DISCOVERY_URL takes it. */
  discoveryUrl: string;
  process: ChildProcess;
  /** Kills etcd and removes its data directory. */
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the kernel's pick; a race with other binds is unlikely here). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts a single-member etcd on free loopback ports (or the client port given: a test that starts
 * its shop before etcd) with its own data directory, and waits until it answers.
 */
export async function startEtcd({ clientPort = 0, timeoutMs = 20_000 } = {}): Promise<TestEtcd> {
  clientPort ||= await freePort();
  const peerPort = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-etcd-'));
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    'etcd',
    [
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      '--log-level=error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGKILL');
      });
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(clientUrl))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`etcd did not start on ${clientUrl}: ${stderr.join('').slice(-500) || 'no answer'}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { clientUrl, discoveryUrl: `etcd://127.0.0.1:${clientPort}`, process: child, stop };
}

const answers = (clientUrl: string) =>
  fetch(`${clientUrl}/health`).then(
    async (response) => response.ok && ((await response.json()) as { health?: string }).health === 'true',
    () => false,
  );
