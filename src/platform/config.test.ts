import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, MODULE_NAMES } from './config.js';

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

  it('accepts a postgres DATABASE_URL and an admin account', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://shop:secret@127.0.0.1:5432/shop',
      ADMIN_EMAIL: 'Admin@Example.com',
      ADMIN_PASSWORD: 'correct horse',
    });
    expect(config.databaseUrl).toBe('postgres://shop:secret@127.0.0.1:5432/shop');
    expect(config.admin).toEqual({ email: 'admin@example.com', password: 'correct horse' });
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

describe('the entry point, started with a bad configuration', () => {
  it('prints one line naming the variable on stderr and exits 1', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
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
