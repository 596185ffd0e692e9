import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startHost, type Host } from '../../src/platform/process/host.js';
import { createLogger } from '../../src/platform/kernel/logger.js';
import { loadShopConfig, MODULES } from '../../src/main.js';
import { httpClient, type HttpCall } from './http.js';

export interface TestShop {
  url: string;
  host: Host;
  request: HttpCall;
  /** Registers a fresh customer and returns its id and access token. */
  customer(name?: string): Promise<{ id: string; email: string; token: string }>;
  /** Access token of the bootstrap admin. */
  adminToken(): Promise<string>;
  stop(): Promise<void>;
}

export const ADMIN = { email: 'admin@shop.test', password: 'admin-password-1' };
let sequence = 0;

/**
 * Starts the whole shop in this process on a random port, with a throwaway data directory (or the
 * given DATABASE_URL), an empty catalog, silent logs and no rate limit. Extra env entries override the defaults.
 */
export async function startTestShop(env: Record<string, string> = {}): Promise<TestShop> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'shop-test-'));
  const config = loadShopConfig({
    PORT: '0',
    DATA_DIR: dataDir,
    SEED_DEMO_CATALOG: 'false',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // Tests send many requests from one address, bursts from one user; the edge limit and the fair
    // shares are the subjects of their own tests.
    RATE_LIMIT_PER_MINUTE: '0',
    BULKHEAD_CLIENT_SHARE: '100',
    ...env,
  });
  const host = await startHost(config, MODULES, createLogger(config.logLevel));
  const request = httpClient(host.url);
  const login = async (email: string, password: string) => {
    const response = await request('POST', '/api/v1/auth/login', { body: { email, password } });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body.accessToken as string;
  };
  let adminToken: string | undefined;
  return {
    url: host.url,
    host,
    request,
    async customer(name = 'Test Customer') {
      const email = `customer-${process.pid}-${++sequence}-${Date.now()}@shop.test`;
      const registered = await request('POST', '/api/v1/auth/register', {
        body: { email, password: 'correct-horse-1', name },
      });
      if (registered.status !== 201)
        throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.body)}`);
      return { id: registered.body.id as string, email, token: await login(email, 'correct-horse-1') };
    },
    async adminToken() {
      adminToken ??= await login(ADMIN.email, ADMIN.password);
      return adminToken;
    },
    async stop() {
      await host.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
