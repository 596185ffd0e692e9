import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { SqlSpans } from '../telemetry/sql-spans.js';
import type { Dialect, EventWriter, SqlResult, SqlRunner, SqlSession, SqlTransaction } from '../kernel/database.js';
import { perUnitOfWork, takingTurns, type WithConnection } from './connection-access.js';

interface SqliteStatement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  inTransaction: boolean;
}
interface PgConnection {
  query(config: {
    name?: string;
    text: string;
    values?: unknown[];
  }): Promise<{ rows: unknown[]; rowCount: number | null }>;
}

/**
 * The module's runner. `events` (the module's outbox) receives what its transactions publish; a
 * module without it publishes nothing.
 */
export function createSqlRunner(knex: Knex, dialect: Dialect, module: string, events?: EventWriter): SqlRunner {
  const spans = new SqlSpans(module, dialect);
  const setup = { spans, module, events };
  return dialect === 'sqlite' ? sqliteRunner(knex, setup) : postgresRunner(knex, setup);
}

interface RunnerSetup {
  spans: SqlSpans;
  module: string;
  events?: EventWriter;
}

function runner<C>(
  withConnection: WithConnection<C>,
  run: (connection: C, sql: string, params: readonly unknown[]) => Promise<SqlResult<unknown>>,
  begin: string,
  { spans, module, events }: RunnerSetup,
): SqlRunner {
  return {
    query: <T>(sql: string, params: readonly unknown[] = []) =>
      spans.query(sql, () => withConnection((connection) => run(connection, sql, params) as Promise<SqlResult<T>>)),
    transaction: (work) =>
      spans.transaction((ran) =>
        withConnection(async (connection) => {
          const session: SqlSession = {
            query: <T>(sql: string, params: readonly unknown[] = []) => {
              ran(sql);
              return run(connection, sql, params) as Promise<SqlResult<T>>;
            },
          };
          let published = false;
          const tx: SqlTransaction = {
            query: session.query,
            async publish(event, payload) {
              if (!events) throw new Error(`module ${module} publishes no events (its definition declares none)`);
              await events.write(session, event, payload);
              published = true;
            },
          };
          await run(connection, begin, []);
          try {
            const result = await work(tx);
            await run(connection, 'COMMIT', []);
            // The mechanism wakes the relay, not the caller: no publisher can forget it.
            if (published) events?.committed();
            return result;
          } catch (error) {
            await run(connection, 'ROLLBACK', []).catch(() => undefined);
            throw error;
          }
        }),
      ),
  };
}

/**
 * SQLite: the pool has one connection, so holding it makes the transaction exclusive in this
 * process; the runner's units of work take turns on it without going back to the pool each time.
 */
function sqliteRunner(knex: Knex, setup: RunnerSetup): SqlRunner {
  const statements = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();
  const prepared = (connection: SqliteConnection, sql: string) => {
    let cache = statements.get(connection);
    if (!cache) statements.set(connection, (cache = new Map()));
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = connection.prepare(sql)));
    return statement;
  };
  return runner<SqliteConnection>(
    takingTurns(knex),
    async (connection, sql, params) => {
      if (sql === 'ROLLBACK' && !connection.inTransaction) return { rows: [], changes: 0 };
      const statement = prepared(connection, sql);
      if (statement.reader) {
        const rows = statement.all(...params);
        return { rows, changes: rows.length };
      }
      return { rows: [], changes: statement.run(...params).changes };
    },
    // IMMEDIATE: take the write lock up front, so two processes sharing the file never deadlock on an upgrade.
    'BEGIN IMMEDIATE',
    setup,
  );
}

function postgresRunner(knex: Knex, setup: RunnerSetup): SqlRunner {
  const texts = new Map<string, { name: string; text: string }>();
  const compiled = (sql: string) => {
    let entry = texts.get(sql);
    if (!entry) {
      let index = 0;
      const text = sql.replace(/\?/g, () => `$${++index}`);
      texts.set(sql, (entry = { name: `s_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`, text }));
    }
    return entry;
  };
  return runner<PgConnection>(
    perUnitOfWork(knex),
    async (connection, sql, params) => {
      const { name, text } = compiled(sql);
      const result = await connection.query(params.length > 0 ? { name, text, values: [...params] } : { text });
      return { rows: result.rows, changes: result.rowCount ?? 0 };
    },
    'BEGIN',
    setup,
  );
}
