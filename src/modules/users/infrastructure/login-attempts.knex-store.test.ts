import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModuleDb } from '../../../platform/kernel/database.js';
import { openModuleDb } from '../../../platform/db/module-db.js';
import { createTestDatabase, requirePostgres } from '../../../../test/support/services.js';
import { LOGIN_THROTTLE, windowCutoff } from '../domain/login-throttle.js';
import { usersMigrations } from '../migrations/users.migrations.js';
import { LoginAttemptsKnexStore } from './login-attempts.knex-store.js';

const t0 = new Date('2030-01-01T12:00:00.000Z');
const at = (ms: number) => new Date(t0.getTime() + ms);

function storeSuite(dialect: string, open: () => Promise<{ db: ModuleDb; cleanup(): Promise<void> }>, enabled = true) {
  describe.skipIf(!enabled)(`LoginAttemptsKnexStore on ${dialect}`, () => {
    let db: ModuleDb;
    let cleanup: () => Promise<void>;
    let store: LoginAttemptsKnexStore;
    const record = (email: string, now: Date, ip = '10.0.0.1') => store.record(email, ip, now, windowCutoff(now));

    beforeAll(async () => {
      ({ db, cleanup } = await open());
      await db.migrate(usersMigrations);
      store = new LoginAttemptsKnexStore(db.knex);
    });
    afterAll(async () => {
      await db?.close();
      await cleanup?.();
    });

    it('counts attempts within one window and keeps its start', async () => {
      const counts = [];
      for (let i = 0; i < 6; i++) counts.push(await record('a@example.com', at(i * 60_000)));
      expect(counts.map((window) => window.count)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(new Set(counts.map((window) => window.windowStart))).toEqual(new Set([t0.toISOString()]));
    });

    it('opens a new window once 15 minutes have passed since the first attempt', async () => {
      const next = await record('a@example.com', at(LOGIN_THROTTLE.windowMs));
      expect(next).toEqual({ count: 1, windowStart: at(LOGIN_THROTTLE.windowMs).toISOString() });
    });

    it('counts 20 concurrent attempts exactly', async () => {
      const windows = await Promise.all(Array.from({ length: 20 }, () => record('b@example.com', t0)));
      expect(windows.map((window) => window.count).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
    });

    it('keeps addresses apart, clears one pair, and purges ended windows', async () => {
      await record('c@example.com', t0, '10.0.0.2');
      expect((await record('c@example.com', t0, '10.0.0.3')).count).toBe(1);
      await store.clear('c@example.com', '10.0.0.2');
      expect(await db.knex('login_failures').where({ email: 'c@example.com' }).pluck('ip')).toEqual(['10.0.0.3']);
      const purged = await store.purge(windowCutoff(at(LOGIN_THROTTLE.windowMs)));
      expect(purged).toBe(2); // b@ and c@/10.0.0.3 started at t0; a@'s new window is still open
      expect(await db.knex('login_failures').pluck('email')).toEqual(['a@example.com']);
    });
  });
}

storeSuite('SQLite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'users-store-'));
  const db = await openModuleDb('users', { dataDir: dir });
  return { db, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

const postgres = await requirePostgres();
storeSuite(
  'PostgreSQL',
  async () => {
    const database = await createTestDatabase('users_store');
    const db = await openModuleDb('users', { dataDir: '.', databaseUrl: database.url });
    return { db, cleanup: () => database.drop() };
  },
  postgres,
);
