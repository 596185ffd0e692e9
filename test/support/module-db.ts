import path from 'node:path';
import knex, { type Knex } from 'knex';
import type { ModuleName } from '../../src/platform/kernel/config.js';
import type { TestShop } from './shop.js';

/** A module's own knex in an in-process shop: tests may read any module's tables; production code may not. */
export const moduleKnex = (shop: TestShop, module: ModuleName): Knex => shop.host.modules.get(module)!.db.knex;

/**
 * A reading handle on a module's database that a shop in another process writes: its schema of
 * `databaseUrl` (a small pool), or else its file under `dataDir` (read-only). Destroy it when done.
 */
export function openModuleKnex(module: ModuleName, settings: { databaseUrl?: string; dataDir: string }): Knex {
  return settings.databaseUrl
    ? knex({ client: 'pg', connection: settings.databaseUrl, searchPath: [module], pool: { min: 0, max: 2 } })
    : knex({
        client: 'better-sqlite3',
        connection: { filename: path.join(settings.dataDir, `${module}.sqlite`), options: { readonly: true } },
        useNullAsDefault: true,
      });
}
