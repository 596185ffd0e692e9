import { createTestDatabase, requirePostgres } from '../support/services.js';
import { usersHttpSuite } from './users-http.suite.js';

usersHttpSuite(
  'PostgreSQL',
  async () => {
    const database = await createTestDatabase('users');
    return { env: { DATABASE_URL: database.url }, cleanup: () => database.drop() };
  },
  await requirePostgres(),
);
