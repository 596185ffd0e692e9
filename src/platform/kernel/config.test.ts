import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MODULE_NAMES } from './config.js';
import { durationMs } from './config-values.js';
import { defineModule, settingsOf } from './module.js';
import { defineSettings } from './settings.js';

const SECRET = 's'.repeat(32);

/** The ConfigError thrown for env, or a failure when none is thrown. */
function configErrorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('runs everything in one process with SQLite and the in-process bus when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      modules: [...MODULE_NAMES],
      gateway: false,
      remoteUrls: {},
      dataDir: './data',
      eventBus: 'memory',
      redisUrl: 'redis://127.0.0.1:6379',
      bullmqPrefix: 'shop',
      rabbitmqUrl: 'amqp://guest:guest@127.0.0.1:5672',
      rabbitmqPrefix: 'shop',
      logLevel: 'info',
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.internalTokenSecret).toBeUndefined();
    expect(config.admin).toBeUndefined();
  });

  it('hosts the listed modules with bullmq and remote URLs for the others in split mode', () => {
    const config = loadConfig({
      MODULES: 'orders, catalog',
      PAYMENTS_URL: 'http://10.0.0.4:3004, http://10.0.0.5:3004',
      USERS_URL: 'http://127.0.0.1:3001',
      INTERNAL_TOKEN_SECRET: SECRET,
    });
    expect(config.modules).toEqual(['orders', 'catalog']);
    expect(config.eventBus).toBe('bullmq');
    expect(config.remoteUrls).toEqual({
      payments: ['http://10.0.0.4:3004', 'http://10.0.0.5:3004'],
      users: ['http://127.0.0.1:3001'],
    });
  });

  it('sends events through RabbitMQ with EVENT_BUS=rabbitmq, in the monolith as in split mode', () => {
    const env = {
      EVENT_BUS: 'rabbitmq',
      RABBITMQ_URL: 'amqps://shop:pw@mq.internal:5671/prod',
      RABBITMQ_PREFIX: 'eu.shop',
    };
    expect(loadConfig(env)).toMatchObject({
      eventBus: 'rabbitmq',
      rabbitmqUrl: env.RABBITMQ_URL,
      rabbitmqPrefix: 'eu.shop',
    });
    expect(loadConfig({ ...env, MODULES: 'orders', INTERNAL_TOKEN_SECRET: SECRET }).eventBus).toBe('rabbitmq');
  });

  it('accepts a postgres DATABASE_URL and an admin account', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://shop:secret@127.0.0.1:5432/shop',
      ADMIN_EMAIL: 'Admin@Example.com',
      ADMIN_PASSWORD: 'correct horse',
    });
    expect(config.databaseUrl).toBe('postgres://shop:secret@127.0.0.1:5432/shop');
    expect(config.admin).toEqual({ email: 'admin@example.com', password: 'correct horse' });
  });

  it('reads the etcd registry from DISCOVERY_URL, with the default prefix and no advertised URL unless given', () => {
    expect(loadConfig({ DISCOVERY_URL: 'etcd://etcd-0:2379,etcd-1:2379, 10.0.0.9:2379' }).discovery).toEqual({
      endpoints: ['http://etcd-0:2379', 'http://etcd-1:2379', 'http://10.0.0.9:2379'],
      prefix: '/shop/',
      advertiseUrl: undefined,
    });
    const config = loadConfig({
      DISCOVERY_URL: 'etcd://127.0.0.1:2379',
      DISCOVERY_PREFIX: '/staging/shop/',
      ADVERTISE_URL: 'http://orders-1.internal:3003/',
    });
    expect(config.discovery).toEqual({
      endpoints: ['http://127.0.0.1:2379'],
      prefix: '/staging/shop/',
      advertiseUrl: 'http://orders-1.internal:3003',
    });
    expect(loadConfig({}).discovery).toBeUndefined();
  });

  it('lets a split process and the gateway start with no <MODULE>_URL when discovery finds the modules', () => {
    const orders = loadConfig({ MODULES: 'orders', INTERNAL_TOKEN_SECRET: SECRET, DISCOVERY_URL: 'etcd://e:2379' });
    expect(orders.remoteUrls).toEqual({});
    const gateway = loadConfig({
      MODULES: 'gateway',
      INTERNAL_TOKEN_SECRET: SECRET,
      DISCOVERY_URL: 'etcd://e:2379',
      PAYMENTS_URL: 'http://p:3004',
    });
    expect(gateway.remoteUrls).toEqual({ payments: ['http://p:3004'] });
  });

  it('limits 1200 requests per minute per socket address unless RATE_LIMIT_PER_MINUTE and TRUSTED_PROXIES say otherwise', () => {
    expect(loadConfig({})).toMatchObject({ rateLimitPerMinute: 1200, trustedProxies: [] });
    expect(
      loadConfig({ RATE_LIMIT_PER_MINUTE: '0', TRUSTED_PROXIES: '10.0.0.7, 172.16.0.0/12,fd00::/8, loopback' }),
    ).toMatchObject({ rateLimitPerMinute: 0, trustedProxies: ['10.0.0.7', '172.16.0.0/12', 'fd00::/8', 'loopback'] });
  });

  describe('rejects each mistake with one clear line naming the variable', () => {
    const mistakes: Array<[string, Record<string, string>, RegExp]> = [
      ['a PORT that is not a number', { PORT: 'eighty' }, /^Invalid configuration: PORT\b/],
      ['a PORT out of range', { PORT: '70000' }, /^Invalid configuration: PORT\b/],
      ['an unknown module', { MODULES: 'users,shipping' }, /^Invalid configuration: MODULES unknown module "shipping"/],
      [
        '"all" combined with a module',
        { MODULES: 'all,users' },
        /^Invalid configuration: MODULES\b.*cannot be combined/,
      ],
      [
        'a DATABASE_URL that is not postgres',
        { DATABASE_URL: 'mysql://127.0.0.1/shop' },
        /^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL$/,
      ],
      [
        'a <MODULE>_URL that is not http(s)',
        { PAYMENTS_URL: 'ftp://127.0.0.1:3004' },
        /^Invalid configuration: PAYMENTS_URL must be an http\(s\) URL/,
      ],
      [
        'one bad URL in a <MODULE>_URL list',
        { CATALOG_URL: 'http://127.0.0.1:3002,not a url' },
        /^Invalid configuration: CATALOG_URL must be an http\(s\) URL/,
      ],
      [
        'a short INTERNAL_TOKEN_SECRET',
        { INTERNAL_TOKEN_SECRET: 'too-short' },
        /^Invalid configuration: INTERNAL_TOKEN_SECRET must be at least 32 characters$/,
      ],
      [
        'EVENT_BUS=memory with a split MODULES',
        { MODULES: 'users', EVENT_BUS: 'memory', INTERNAL_TOKEN_SECRET: SECRET },
        /^Invalid configuration: EVENT_BUS=memory cannot deliver events between processes/,
      ],
      [
        'a RABBITMQ_URL that is not AMQP',
        { RABBITMQ_URL: 'http://127.0.0.1:15672' },
        /^Invalid configuration: RABBITMQ_URL must be an amqp:\/\/ or amqps:\/\/ URL$/,
      ],
      [
        'a RABBITMQ_PREFIX with a space',
        { RABBITMQ_PREFIX: 'my shop' },
        /^Invalid configuration: RABBITMQ_PREFIX may contain only letters, digits/,
      ],
      [
        'split mode without INTERNAL_TOKEN_SECRET',
        { MODULES: 'users' },
        /^Invalid configuration: INTERNAL_TOKEN_SECRET is required/,
      ],
      [
        'ADMIN_EMAIL without ADMIN_PASSWORD',
        { ADMIN_EMAIL: 'admin@example.com' },
        /^Invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD must be set together$/,
      ],
      [
        'ADMIN_PASSWORD without ADMIN_EMAIL',
        { ADMIN_PASSWORD: 'correct horse' },
        /^Invalid configuration: ADMIN_EMAIL and ADMIN_PASSWORD must be set together$/,
      ],
      [
        'a DISCOVERY_URL that is not etcd://',
        { DISCOVERY_URL: 'http://127.0.0.1:2379' },
        /^Invalid configuration: DISCOVERY_URL must be etcd:\/\/host:port\[,host:port…\]$/,
      ],
      [
        'a DISCOVERY_URL member without a port',
        { DISCOVERY_URL: 'etcd://etcd-0:2379,etcd-1' },
        /^Invalid configuration: DISCOVERY_URL must be etcd:\/\/host:port/,
      ],
      [
        'a DISCOVERY_URL port out of range',
        { DISCOVERY_URL: 'etcd://etcd-0:70000' },
        /^Invalid configuration: DISCOVERY_URL must be etcd:\/\/host:port/,
      ],
      [
        'a DISCOVERY_PREFIX that does not end with /',
        { DISCOVERY_PREFIX: '/shop' },
        /^Invalid configuration: DISCOVERY_PREFIX must end with "\/"/,
      ],
      [
        'an ADVERTISE_URL that is not http(s)',
        { ADVERTISE_URL: 'orders-1:3003' },
        /^Invalid configuration: ADVERTISE_URL must be an http\(s\) URL/,
      ],
      [
        'an ADVERTISE_URL with a path',
        { ADVERTISE_URL: 'http://orders-1:3003/api' },
        /^Invalid configuration: ADVERTISE_URL must be a base URL without a path/,
      ],
      [
        'a RATE_LIMIT_PER_MINUTE that is not a number',
        { RATE_LIMIT_PER_MINUTE: 'lots' },
        /^Invalid configuration: RATE_LIMIT_PER_MINUTE must be a whole number of requests per minute \(0 turns rate limiting off\)$/,
      ],
      [
        'a negative RATE_LIMIT_PER_MINUTE',
        { RATE_LIMIT_PER_MINUTE: '-1' },
        /^Invalid configuration: RATE_LIMIT_PER_MINUTE must be a whole number/,
      ],
      [
        'a fractional RATE_LIMIT_PER_MINUTE',
        { RATE_LIMIT_PER_MINUTE: '2.5' },
        /^Invalid configuration: RATE_LIMIT_PER_MINUTE must be a whole number/,
      ],
      [
        'a TRUSTED_PROXIES entry that is a host name',
        { TRUSTED_PROXIES: '10.0.0.7,proxy.internal' },
        /^Invalid configuration: TRUSTED_PROXIES must be a comma list of IP addresses or CIDR ranges/,
      ],
      [
        'a TRUSTED_PROXIES range with a prefix too long',
        { TRUSTED_PROXIES: '10.0.0.0/33' },
        /^Invalid configuration: TRUSTED_PROXIES must be a comma list of IP addresses or CIDR ranges/,
      ],
      [
        'a TRUSTED_PROXIES of commas only',
        { TRUSTED_PROXIES: ' , ' },
        /^Invalid configuration: TRUSTED_PROXIES must be a comma list of IP addresses or CIDR ranges/,
      ],
      ['an unknown LOG_LEVEL', { LOG_LEVEL: 'verbose' }, /^Invalid configuration: LOG_LEVEL\b.*"info"/],
      ['an unknown EVENT_BUS', { EVENT_BUS: 'kafka' }, /^Invalid configuration: EVENT_BUS\b.*"bullmq"/],
    ];

    it.each(mistakes)('%s', (_mistake, env, message) => {
      const error = configErrorOf(env);
      expect(error.message).toMatch(message);
      expect(error.message).not.toContain('\n');
    });
  });
});

describe("loadConfig with modules' settings slices", () => {
  const ordersLike = defineModule({
    name: 'orders',
    settings: defineSettings('orders', { SOME_TIMEOUT: durationMs.default(5000) }, (env) => ({
      timeoutMs: env.SOME_TIMEOUT,
    })),
    requires: [],
    migrations: [],
    routes: [],
    publishes: [],
    subscriptions: [],
    register: () => {},
  });

  it("parses each slice from the same environment into the module's settings", () => {
    expect(loadConfig({}, [ordersLike]).settings).toEqual({ orders: { timeoutMs: 5000 } });
    expect(settingsOf(ordersLike, loadConfig({ SOME_TIMEOUT: '7000' }, [ordersLike]))).toEqual({ timeoutMs: 7000 });
  });

  it("rejects a mistake in a module's variable with one line naming it", () => {
    expect(() => loadConfig({ SOME_TIMEOUT: '10' }, [ordersLike])).toThrow(
      new ConfigError('Invalid configuration: SOME_TIMEOUT must be at least 1000 (milliseconds)'),
    );
  });

  it('refuses to hand a module settings the loader was never given', () => {
    expect(() => settingsOf(ordersLike, loadConfig({}))).toThrow(/settings of module orders were not loaded/);
  });
});

describe('the entry point, started with a bad configuration', () => {
  it('prints one line naming the variable on stderr and exits 1', () => {
    const root = fileURLToPath(new URL('../../..', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root, PORT: 'not-a-port' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const lines = result.stderr.trimEnd().split('\n');
    expect({ status: result.status, lines }).toEqual({ status: 1, lines: [expect.stringContaining('PORT')] });
  }, 40_000);
});
