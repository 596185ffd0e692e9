import { describe, it } from 'vitest';
import { createTestDatabase, requirePostgres } from '../support/services.js';

/** Environment for one database backend: extra env for a shop, and a cleanup once it stopped. */
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
      const database = await createTestDatabase('catalog');
      return { env: { DATABASE_URL: database.url }, cleanup: () => database.drop() };
    });
  } else {
    describe.skip(`${name} on PostgreSQL (unreachable; see the warning above)`, () => it('needs PostgreSQL', () => undefined));
  }
}
