/**
 * The test RabbitMQ: each test file works in a vhost of its own, created and deleted with
 * rabbitmqctl (run as root, as on CI), so no test sees another's exchanges, queues or connections.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Connection } from 'rabbitmq-client';
import { uniqueSuffix } from './services.js';

const run = promisify(execFile);

/** The test broker without a vhost (the default one); TEST_RABBITMQ_URL overrides it. */
export const RABBITMQ_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const rabbitmqctl = async (...args: string[]): Promise<string> =>
  (await run('rabbitmqctl', ['-q', ...args], { timeout: 30_000 })).stdout;

/** True when RabbitMQ accepts a connection and rabbitmqctl answers; false (with a printed reason) otherwise; throws when CI=true. */
export async function requireRabbitmq(): Promise<boolean> {
  const connection = new Connection({ url: RABBITMQ_URL, connectionTimeout: 2000, retryLow: 5000 });
  connection.on('error', () => undefined);
  try {
    await connection.onConnect(3000);
    await rabbitmqctl('list_vhosts');
    return true;
  } catch (error) {
    const reason = `RabbitMQ at ${RABBITMQ_URL} unreachable or rabbitmqctl unusable (${(error as Error).message})`;
    if (process.env.CI === 'true') throw new Error(`${reason}; CI=true requires it`);
    console.warn(`skipping tests that need ${reason}`);
    return false;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

export interface TestVhost {
  name: string;
  /** The broker URL with this vhost as its path. */
  url: string;
  /** The same vhost reached through another local port (a TcpProxy in front of the broker). */
  urlVia(port: number): string;
  /** Has the broker close every client connection of this vhost (as an operator, or a failover, would). */
  closeConnections(): Promise<number>;
  /** Lets the guest user in (as created), or keeps every new connection of it out (reconnects fail). */
  allowGuest(allowed: boolean): Promise<void>;
  /** Deletes the vhost with everything in it. */
  drop(): Promise<void>;
}

/** A fresh vhost the guest user may use fully. */
export async function createTestVhost(label = 'test'): Promise<TestVhost> {
  const name = `${label}-${uniqueSuffix()}`;
  const allowGuest = async (allowed: boolean) =>
    void (allowed
      ? await rabbitmqctl('set_permissions', '-p', name, 'guest', '.*', '.*', '.*')
      : await rabbitmqctl('clear_permissions', '-p', name, 'guest'));
  await rabbitmqctl('add_vhost', name);
  await allowGuest(true);
  const at = (port?: number) => {
    const url = new URL(RABBITMQ_URL);
    if (port !== undefined) url.port = String(port);
    url.pathname = `/${encodeURIComponent(name)}`;
    return url.toString();
  };
  return {
    name,
    url: at(),
    urlVia: (port) => at(port),
    async closeConnections() {
      const open = (await rabbitmqctl('list_connections', 'vhost')).split('\n').filter((vhost) => vhost === name);
      await rabbitmqctl('close_all_connections', '--vhost', name, 'closed by a test');
      return open.length;
    },
    allowGuest,
    drop: async () => void (await rabbitmqctl('delete_vhost', name)),
  };
}

/** A queue as the broker lists it: what the topology tests compare. */
export interface ListedQueue {
  name: string;
  type: string;
  durable: boolean;
  deliveryLimit?: number;
  deadLetterExchange?: string;
}

/** The queues of the vhost of `url` (its path), sorted by name, as `rabbitmqctl list_queues` reports them. */
export async function rabbitmqQueues(url: string): Promise<ListedQueue[]> {
  const vhost = decodeURIComponent(new URL(url).pathname.slice(1)) || '/';
  const output = await rabbitmqctl(
    'list_queues',
    '-p',
    vhost,
    'name',
    'type',
    'durable',
    'arguments',
    '--formatter',
    'json',
  );
  const listed = JSON.parse(output) as Array<{ name: string; type: string; durable: boolean; arguments: unknown[][] }>;
  return listed
    .map(({ name, type, durable, arguments: args }) => {
      const argument = (key: string) => args.find(([name]) => name === key)?.[2];
      const limit = argument('x-delivery-limit');
      const deadLetters = argument('x-dead-letter-exchange');
      return {
        name,
        type,
        durable,
        ...(limit === undefined ? {} : { deliveryLimit: Number(limit) }),
        ...(deadLetters === undefined ? {} : { deadLetterExchange: String(deadLetters) }),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
