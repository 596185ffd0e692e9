import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

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

const call = async (url: string, method: string, body?: unknown, token?: string) => {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
};

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('graceful shutdown', () => {
  it('finishes the checkouts in flight on SIGTERM, exits 0, and loses none of them', async () => {
    const { url, child } = await startShop();
    const admin = (await call(`${url}/api/v1/auth/login`, 'POST', ADMIN)).body.accessToken;
    const product = (
      await call(
        `${url}/api/v1/products`,
        'POST',
        { sku: 'SHUT-1', name: 'Shutdown mug', priceCents: 500, currency: 'USD', stock: 1000 },
        admin,
      )
    ).body;

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const checkouts = Array.from({ length: 40 }, () =>
      call(
        `${url}/api/v1/orders`,
        'POST',
        { items: [{ productId: product.id, quantity: 1 }], paymentMethod: { token: 'tok_visa' } },
        admin,
      ).catch(() => 'refused' as const),
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
    const stock = (await call(`${restarted.url}/api/v1/products/${product.id}`, 'GET')).body.stock;
    expect(1000 - stock).toBe(answered.length);
    const orders = (await call(`${restarted.url}/api/v1/orders?limit=100`, 'GET', undefined, admin)).body.items;
    expect(orders.filter((order: { status: string }) => order.status === 'confirmed')).toHaveLength(answered.length);
    restarted.child.kill('SIGTERM');
  }, 60_000);
});
