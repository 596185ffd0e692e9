import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadShopConfig } from './main.js';

/** The message loadShopConfig throws for env, or a failure when it accepts it. */
function mistakeIn(env: Record<string, string>): string {
  try {
    loadShopConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`loadShopConfig accepted ${JSON.stringify(env)}`);
}

describe("loadShopConfig: the platform's configuration with each module's settings", () => {
  it('gives each module with variables its settings, defaulted when nothing is set', () => {
    expect(loadShopConfig({}).settings).toEqual({
      catalog: { reservationTtlMs: 900_000, maxAgeSeconds: 2, seedDemoCatalog: true },
      orders: { reservationTtlMs: 900_000, sagaRecoveryAfterMs: 30_000 },
      notifications: { smtpUrl: undefined, smtpFrom: 'Modular Shop <shop@localhost>' },
    });
  });

  it("reads each module's variables, and RESERVATION_TTL alike for the catalog and orders", () => {
    const config = loadShopConfig({
      RESERVATION_TTL: '60000',
      SAGA_RECOVERY_AFTER: '5000',
      CATALOG_MAX_AGE: '0',
      SEED_DEMO_CATALOG: 'false',
      SMTP_URL: 'smtps://shop:secret@mail.example.com:465',
      SMTP_FROM: 'Shop <shop@example.com>',
    });
    expect(config.settings).toEqual({
      catalog: { reservationTtlMs: 60_000, maxAgeSeconds: 0, seedDemoCatalog: false },
      orders: { reservationTtlMs: 60_000, sagaRecoveryAfterMs: 5000 },
      notifications: { smtpUrl: 'smtps://shop:secret@mail.example.com:465', smtpFrom: 'Shop <shop@example.com>' },
    });
  });

  const mistakes: Array<[string, Record<string, string>, RegExp]> = [
    [
      'a RESERVATION_TTL under a second',
      { RESERVATION_TTL: '500' },
      /^Invalid configuration: RESERVATION_TTL must be at least 1000 \(milliseconds\)$/,
    ],
    [
      'a SAGA_RECOVERY_AFTER that is not a number',
      { SAGA_RECOVERY_AFTER: 'soon' },
      /^Invalid configuration: SAGA_RECOVERY_AFTER\b/,
    ],
    [
      'a negative CATALOG_MAX_AGE',
      { CATALOG_MAX_AGE: '-1' },
      /^Invalid configuration: CATALOG_MAX_AGE must be a whole number of seconds \(0 turns caching off\)$/,
    ],
    [
      'a CATALOG_MAX_AGE over a day',
      { CATALOG_MAX_AGE: '90000' },
      /^Invalid configuration: CATALOG_MAX_AGE must be at most 86400 \(a day\)$/,
    ],
    [
      'a SEED_DEMO_CATALOG that is not true or false',
      { SEED_DEMO_CATALOG: 'yes' },
      /^Invalid configuration: SEED_DEMO_CATALOG\b.*"true"/,
    ],
    [
      'an SMTP_URL that is not smtp(s)',
      { SMTP_URL: 'http://mail:25' },
      /^Invalid configuration: SMTP_URL must be an smtp:\/\/ or smtps:\/\/ URL$/,
    ],
    [
      'a module mistake in a process hosting another module',
      { MODULES: 'users', INTERNAL_TOKEN_SECRET: 's'.repeat(32), SMTP_URL: 'mail' },
      /^Invalid configuration: SMTP_URL\b/,
    ],
  ];

  it.each(mistakes)('rejects %s with one line naming the variable', (_mistake, env, message) => {
    const line = mistakeIn(env);
    expect(line).toMatch(message);
    expect(line).not.toContain('\n');
  });
});

describe('the entry point, started with a bad module variable', () => {
  it('prints one line naming the variable on stderr and exits 1', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root, SAGA_RECOVERY_AFTER: '10' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    const lines = result.stderr.trimEnd().split('\n');
    expect({ status: result.status, lines }).toEqual({
      status: 1,
      lines: ['Invalid configuration: SAGA_RECOVERY_AFTER must be at least 1000 (milliseconds)'],
    });
  }, 40_000);
});
