import type { Knex } from 'knex';

/** Runs one unit of work (a statement, or a whole transaction) on a connection of the module's pool. */
export type WithConnection<C> = <T>(use: (connection: C) => Promise<T>) => Promise<T>;

/** A connection from the pool for each unit of work, so concurrent work uses several (PostgreSQL). */
export function perUnitOfWork<C>(knex: Knex): WithConnection<C> {
  return async (use) => {
    const connection = (await knex.client.acquireConnection()) as C;
    try {
      return await use(connection);
    } finally {
      await knex.client.releaseConnection(connection);
    }
  };
}

/**
 * For a pool of one connection (SQLite). Taking it from the pool for every statement costs more than
 * the statement (several promises and a timer per acquire), so the runner keeps it while its own
 * units of work queue up: they take turns on it, one at a time, as they would through the pool. It
 * goes back to the pool as soon as knex asks for it (knex then goes first), or once the runner has
 * been idle for a turn of the event loop, so knex never waits longer than that.
 */
export function takingTurns<C>(knex: Knex): WithConnection<C> {
  const pool = () => knex.client.pool as { numPendingAcquires(): number };
  const queue: Array<() => void> = [];
  let held: C | undefined;
  let busy = false;
  let idleCheck = false;

  const giveBack = async () => {
    const connection = held;
    held = undefined;
    if (connection !== undefined) await knex.client.releaseConnection(connection);
  };
  const giveBackIfIdle = () => {
    idleCheck = false;
    if (!busy) void giveBack();
  };

  return async (use) => {
    if (busy) await new Promise<void>((resolve) => queue.push(resolve));
    busy = true;
    try {
      held ??= (await knex.client.acquireConnection()) as C;
      return await use(held);
    } finally {
      if (pool().numPendingAcquires() > 0) await giveBack();
      const next = queue.shift();
      if (next) {
        next(); // the turn passes straight on: busy stays true
      } else {
        busy = false;
        if (held !== undefined && !idleCheck) {
          idleCheck = true;
          setImmediate(giveBackIfIdle);
        }
      }
    }
  };
}
