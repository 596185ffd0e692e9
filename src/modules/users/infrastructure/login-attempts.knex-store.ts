import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import type { LoginAttempts } from '../application/ports/login-attempts.port.js';
import type { AttemptWindow } from '../domain/login-throttle.js';
import { KNEX } from '../../../platform/db/db.tokens.js';

// One statement, valid on SQLite (3.35+) and PostgreSQL: the upsert increments or restarts the
// window atomically, so concurrent attempts on several instances are all counted.
const RECORD_ATTEMPT = `
  INSERT INTO login_failures (email, ip, window_start, failures) VALUES (?, ?, ?, 1)
  ON CONFLICT (email, ip) DO UPDATE SET
    failures = CASE WHEN login_failures.window_start <= ? THEN 1 ELSE login_failures.failures + 1 END,
    window_start = CASE WHEN login_failures.window_start <= ? THEN excluded.window_start ELSE login_failures.window_start END
  RETURNING failures, window_start`;

type Row = { failures: number | string; window_start: string };

// The column is 64 characters wide (any IPv6 address with a zone fits); never fail on a longer one.
const column = (ip: string) => ip.slice(0, 64);

@injectable()
export class LoginAttemptsKnexStore implements LoginAttempts {
  constructor(@inject(KNEX) private readonly knex: Knex) {}

  async record(email: string, ip: string, now: Date, windowCutoff: string): Promise<AttemptWindow> {
    const result: Row[] | { rows: Row[] } = await this.knex.raw(RECORD_ATTEMPT, [
      email,
      column(ip),
      now.toISOString(),
      windowCutoff,
      windowCutoff,
    ]);
    const [row] = Array.isArray(result) ? result : result.rows;
    return { count: Number(row.failures), windowStart: row.window_start };
  }

  async clear(email: string, ip: string): Promise<void> {
    await this.knex('login_failures')
      .where({ email, ip: column(ip) })
      .delete();
  }

  async purge(windowCutoff: string): Promise<number> {
    return this.knex('login_failures').where('window_start', '<=', windowCutoff).delete();
  }
}
