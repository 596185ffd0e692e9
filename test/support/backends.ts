import { describe, it } from 'vitest';
import { createTestDatabase, requirePostgres } from './services.js';

/** One database backend for a test shop: extra env, and the cleanup once the shop has stopped. */
export interface Backend {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export type BackendFactory = () => Promise<Backend>;

export const sqlite: BackendFactory = async () => ({ env: {}, cleanup: async () => undefined });

/** Registers `suite` on a fresh PostgreSQL database per shop, or a visible skip when PostgreSQL is down (a failure under CI). */
export async function onPostgres(name: string, suite: (label: string, backend: BackendFactory) => void): Promise<void> {
  if (await requirePostgres()) {
    suite('PostgreSQL', async () => {
      const database = await createTestDatabase(name.toLowerCase().replace(/\W+/g, '_').slice(0, 20));
      return { env: { DATABASE_URL: database.url }, cleanup: () => database.drop() };
    });
  } else {
    describe.skip(`${name} on PostgreSQL (unreachable; see the warning above)`, () =>
      it('needs PostgreSQL', () => undefined));
  }
}
