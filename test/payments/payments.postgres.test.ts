import { describe, it } from 'vitest';
import { createTestDatabase, requirePostgres } from '../support/services.js';
import { describePayments } from './payments.suite.js';

if (await requirePostgres()) {
  describePayments('PostgreSQL', async () => {
    const database = await createTestDatabase('payments');
    return { env: { DATABASE_URL: database.url }, cleanup: () => database.drop() };
  });
} else {
  describe.skip('payments on PostgreSQL (unreachable; see the warning above)', () =>
    it('needs PostgreSQL', () => undefined));
}
