import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { httpClient } from '../support/http.js';

const ADMIN = { email: 'shutdown-admin@shop.test', password: 'shutdown-admin-pw' };
const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-shutdown-'));
const children: ChildProcess[] = [];

/** Starts the monolith as a real process on a random port; resolves its URL once it listens. */
async function startShop(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      SEED_DEMO_CATALOG: 'false',
      LOG_LEVEL: 'info',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  for await (const line of createInterface({ input: child.stdout! })) {
    const entry = JSON.parse(line) as { msg?: string; port?: number };
    if (entry.msg === 'listening') {
      child.stdout!.resume();
      return { url: `http://127.0.0.1:${entry.port}`, child };
    }
  }
  throw new Error('the shop exited before listening');
}

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('graceful shutdown', () => {
  it('finishes the checkouts in flight on SIGTERM, exits 0, and loses none of them', async () => {
    const { url, child } = await startShop();
    const call = httpClient(url);
    const admin = (await call('POST', '/api/v1/auth/login', { body: ADMIN })).body.accessToken;
    const product = (
      await call('POST', '/api/v1/products', {
        token: admin,
        body: { sku: 'SHUT-1', name: 'Shutdown mug', priceCents: 500, currency: 'USD', stock: 1000 },
      })
    ).body;

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const checkouts = Array.from({ length: 40 }, () =>
      call('POST', '/api/v1/orders', {
        token: admin,
        body: { items: [{ productId: product.id, quantity: 1 }], paymentMethod: { token: 'tok_visa' } },
      }).catch(() => 'refused' as const),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGTERM');
    const outcomes = await Promise.all(checkouts);
    expect(await exited).toBe(0);

    // Every request the process accepted was answered in full; the rest were refused, never cut off.
    const answered = outcomes.filter((outcome) => outcome !== 'refused');
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((outcome) => outcome.status === 201)).toBe(true);

    const restarted = await startShop();
    const callRestarted = httpClient(restarted.url);
    const stock = (await callRestarted('GET', `/api/v1/products/${product.id}`)).body.stock;
    expect(1000 - stock).toBe(answered.length);
    const orders = (await callRestarted('GET', '/api/v1/orders?limit=100', { token: admin })).body.items;
    expect(orders.filter((order: { status: string }) => order.status === 'confirmed')).toHaveLength(answered.length);
    restarted.child.kill('SIGTERM');
  }, 60_000);
});
