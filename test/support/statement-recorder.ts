import Database from 'better-sqlite3';
import pg from 'pg';

/** A statement the shop ran: its SQL (`?` for SQLite, `$n` for PostgreSQL), parameters, and for SQLite its file. */
export interface RecordedStatement {
  sql: string;
  params: unknown[];
  file?: string;
}

type StatementMethod = (this: { source: string; database: { name: string } }, ...params: unknown[]) => unknown;

/**
 * Records every statement run through better-sqlite3 or pg while `recording` is on, by wrapping the
 * drivers' prototypes (so statements prepared before it started, and cached, are seen too). Test
 * code only: the query-plan test EXPLAINs what the shop really runs, not copies of its SQL.
 */
export function recordStatements() {
  const statements: RecordedStatement[] = [];
  let recording = false;
  const probe = new Database(':memory:');
  const statementPrototype = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, StatementMethod>;
  probe.close();
  const restore: Array<() => void> = [];
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = statementPrototype[method];
    statementPrototype[method] = function (...params) {
      if (recording) statements.push({ sql: this.source, params, file: this.database.name });
      return original.apply(this, params);
    };
    restore.push(() => (statementPrototype[method] = original));
  }
  const clientPrototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = clientPrototype.query;
  clientPrototype.query = function (this: unknown, config: unknown, values?: unknown, ...rest: unknown[]) {
    if (recording) {
      const text = typeof config === 'string' ? config : (config as { text?: string })?.text;
      const params = (typeof config === 'object' && (config as { values?: unknown[] })?.values) || values;
      if (text) statements.push({ sql: text, params: Array.isArray(params) ? params : [] });
    }
    return query.call(this, config, values, ...rest);
  };
  restore.push(() => (clientPrototype.query = query));
  return {
    statements,
    /** Records while `work` runs. */
    async during<T>(work: () => Promise<T>): Promise<T> {
      recording = true;
      try {
        return await work();
      } finally {
        recording = false;
      }
    },
    stop: () => restore.forEach((undo) => undo()),
  };
}
