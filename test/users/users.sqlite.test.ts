import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { usersHttpSuite } from './users-http.suite.js';

usersHttpSuite('SQLite', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'users-test-'));
  return { env: { DATA_DIR: dataDir }, cleanup: async () => rmSync(dataDir, { recursive: true, force: true }) };
});
