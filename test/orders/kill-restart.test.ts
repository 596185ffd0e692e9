import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModuleName } from '../../src/platform/kernel/config.js';
import { eventually } from '../support/eventually.js';
import { httpClient, type ApiResponse } from '../support/http.js';
import { openModuleKnex } from '../support/module-db.js';
import { createTestDatabase, requirePostgres } from '../support/services.js';
import { auditSagas, CONSISTENT, type ShopDatabases } from './saga-audit.js';

/**
 * Kill-and-restart: the monolith runs as a real process, takes concurrent checkouts and is
 * SIGKILLed mid-flight, several times; restarted on the same data, its recovery must finish every
 * interrupted saga so that stock, payments, reservations and events agree, and nothing answered
 * before a kill is contradicted afterwards.
 *
 * On SQLite with in-process contracts a checkout has no real I/O between its steps, so a kill lands
 * mid-saga only by chance (hence several kills); on PostgreSQL every step waits on the network and
 * a kill always interrupts some.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ADMIN = { email: 'admin@kill.test', password: 'admin-password-1' };
const UNFINISHED = ['pending', 'payment_pending', 'cancelling'];

interface Backend {
  env: Record<string, string>;
  /** Read access to the three module databases while (or after) the process runs. */
  open(): ShopDatabases;
  cleanup(): Promise<void>;
}

interface Attempt {
  key?: string;
  body: { items: Array<{ productId: string; quantity: number }>; paymentMethod: { token: string } };
  status?: number;
  orderId?: string;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.exitCode)
      : child.once('exit', (code) => resolve(code)),
  );

const replayed = (response: ApiResponse) => response.headers.get('idempotent-replayed') === 'true';

const tally = (values: string[]) =>
  values.reduce<Record<string, number>>((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

function killAndRestart(label: string, makeBackend: () => Promise<Backend>): void {
  describe(`kill and restart on ${label}`, () => {
    const children = new Set<ChildProcess>();
    let backend: Backend | undefined;

    afterAll(async () => {
      for (const child of children) {
        child.kill('SIGKILL');
        await exited(child);
      }
      await backend?.cleanup();
    });

    async function startMonolith(port: number): Promise<ChildProcess> {
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        PORT: String(port),
        SAGA_RECOVERY_AFTER: '1000',
        SEED_DEMO_CATALOG: 'false',
        LOG_LEVEL: 'warn',
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        ...backend!.env,
      };
      let output = '';
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
      child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
      await eventually(
        'the monolith to be ready',
        async () => {
          if (child.exitCode !== null) throw new Error(`the monolith exited with ${child.exitCode}:\n${output}`);
          return (await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined))?.status === 200;
        },
        { timeoutMs: 60_000, everyMs: 200 },
      );
      return child;
    }

    it('finishes every checkout interrupted by SIGKILL, with stock and money consistent', async () => {
      backend = await makeBackend();
      const port = await freePort();
      const call = httpClient(`http://127.0.0.1:${port}`);
      let child = await startMonolith(port);

      const adminToken = (await call('POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken as string;
      const initialStock = new Map<string, number>();
      const products: string[] = [];
      for (const stock of [150, 100_000]) {
        const created = await call('POST', '/api/v1/products', {
          token: adminToken,
          body: { sku: `KILL-${stock}`, name: `Kill ${stock}`, priceCents: 700, currency: 'USD', stock },
        });
        expect(created.status).toBe(201);
        products.push(created.body.id);
        initialStock.set(created.body.id, stock);
      }
      const email = `kill-${Date.now()}@shop.test`;
      expect(
        (await call('POST', '/api/v1/auth/register', { body: { email, password: 'correct-horse-1', name: 'Kill' } }))
          .status,
      ).toBe(201);
      const token = (await call('POST', '/api/v1/auth/login', { body: { email, password: 'correct-horse-1' } })).body
        .accessToken as string;

      const attempts: Attempt[] = [];
      const interruptedAtKill: Array<Record<string, number>> = [];
      const dbs = backend.open();
      try {
        for (let cycle = 0; cycle < 4; cycle++) {
          // 40 clients check out in a loop; the process is killed at a random moment while they are at it.
          let answered = 0;
          let killed = false;
          const client = async (n: number) => {
            while (!killed) {
              const seq = attempts.length;
              const attempt: Attempt = {
                key: seq % 3 === 0 ? `kill-key-${seq}` : undefined,
                body: {
                  items: [
                    { productId: products[seq % 2], quantity: 1 + (seq % 2) },
                    ...(seq % 5 === 0 ? [{ productId: products[(seq + 1) % 2], quantity: 1 }] : []),
                  ],
                  paymentMethod: { token: seq % 6 === 1 ? 'tok_chargeDeclined' : `tok_client_${n}` },
                },
              };
              attempts.push(attempt);
              try {
                const response = await call('POST', '/api/v1/orders', {
                  token,
                  body: attempt.body,
                  headers: attempt.key ? { 'idempotency-key': attempt.key } : {},
                });
                if (killed) return; // may have been cut short: treat as unanswered
                attempt.status = response.status;
                attempt.orderId = response.body?.id ?? response.body?.orderId;
                answered += 1;
              } catch {
                return; // connection cut by the kill
              }
            }
          };
          const clients = Array.from({ length: 40 }, (_, n) => client(n));
          const killAfter = 60 + Math.floor(Math.random() * 80);
          await eventually('checkouts to complete', async () => answered >= killAfter, {
            timeoutMs: 30_000,
            everyMs: 1,
          });
          // A random pause decorrelates the kill from the response that triggered it.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 25));
          killed = true;
          child.kill('SIGKILL');
          await exited(child);
          await Promise.all(clients);
          const unfinished: Array<{ status: string; n: number | string }> = await dbs
            .orders('orders')
            .whereIn('status', UNFINISHED)
            .groupBy('status')
            .select('status')
            .count({ n: '*' });
          interruptedAtKill.push(Object.fromEntries(unfinished.map((row) => [row.status, Number(row.n)])));
          child = await startMonolith(port);
        }

        await eventually(
          'the recovery to finish every order',
          async () => (await auditSagas(dbs, initialStock)).unfinishedOrders.length === 0,
          { timeoutMs: 30_000, everyMs: 200 },
        );
        // Clients retry the keyed requests the kills left unanswered: one order per key, never two.
        const unanswered = attempts.filter((attempt) => attempt.key && attempt.status === undefined);
        const retried = await Promise.all(
          unanswered.map((attempt) =>
            call('POST', '/api/v1/orders', { token, body: attempt.body, headers: { 'idempotency-key': attempt.key! } }),
          ),
        );
        expect(
          retried.every((response) => [201, 202, 402, 409].includes(response.status)),
          JSON.stringify(retried.map((r) => r.status)),
        ).toBe(true);
        // Everything has settled, so no key can still be in use: a 409 is the stock running out.
        for (const response of retried.filter((r) => r.status === 409)) expect(response.body.code).toBe('out_of_stock');
        await eventually(
          'retried checkouts to finish',
          async () => (await auditSagas(dbs, initialStock)).unfinishedOrders.length === 0,
          { timeoutMs: 30_000, everyMs: 200 },
        );

        const result = await auditSagas(dbs, initialStock);
        const answered = attempts.filter((attempt) => attempt.status !== undefined);
        console.log(
          `kill-and-restart on ${label}:`,
          JSON.stringify({
            attempts: attempts.length,
            answered: answered.length,
            interruptedAtKill,
            retriedKeys: unanswered.length,
            retried: tally(retried.map((response) => `${response.status}${replayed(response) ? ' replayed' : ''}`)),
            orders: result.orderStatuses,
            reasons: result.failureReasons,
            payments: result.paymentStatuses,
            soldUnits: result.soldUnits,
          }),
        );
        expect(result).toMatchObject(CONSISTENT);

        // Nothing answered before a kill is contradicted after the restarts.
        const statusOf = new Map(
          (await dbs.orders('orders').select('id', 'status')).map((row: { id: string; status: string }) => [
            row.id,
            row.status,
          ]),
        );
        for (const attempt of answered) {
          if (attempt.status === 201) expect(statusOf.get(attempt.orderId!)).toBe('confirmed');
          if (attempt.status === 402) expect(statusOf.get(attempt.orderId!)).toBe('payment_failed');
        }
        // Every key stands for one order, and a retried success names that very order.
        const keyed: Array<{ key: string; order_id: string; state: string }> = await dbs
          .orders('idempotency_keys')
          .select('key', 'order_id', 'state');
        expect(keyed.filter((row) => row.state !== 'completed')).toEqual([]);
        unanswered.forEach((attempt, n) => {
          if (retried[n].status === 201)
            expect(retried[n].body.id).toBe(keyed.find((row) => row.key === attempt.key)!.order_id);
        });
      } finally {
        await Promise.all(Object.values(dbs).map((db) => db.destroy()));
      }
      child.kill('SIGTERM');
      expect(await exited(child)).toBe(0);
    }, 240_000);
  });
}

killAndRestart('SQLite', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-kill-'));
  // Read-only handles on the module files: the test counts, the shop writes.
  const file = (module: ModuleName) => openModuleKnex(module, { dataDir });
  return {
    env: { DATA_DIR: dataDir },
    open: () => ({ orders: file('orders'), catalog: file('catalog'), payments: file('payments') }),
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});

if (await requirePostgres()) {
  killAndRestart('PostgreSQL', async () => {
    const database = await createTestDatabase('orders_kill');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-kill-'));
    const schema = (module: ModuleName) => openModuleKnex(module, { databaseUrl: database.url, dataDir });
    return {
      env: { DATA_DIR: dataDir, DATABASE_URL: database.url },
      open: () => ({ orders: schema('orders'), catalog: schema('catalog'), payments: schema('payments') }),
      cleanup: async () => {
        await database.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  });
} else {
  describe.skip('kill and restart on PostgreSQL (unreachable; see the warning above)', () =>
    it('needs PostgreSQL', () => undefined));
}
