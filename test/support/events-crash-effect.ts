import type { Knex } from 'knex';
import type { Migration } from '../../src/platform/kernel/database.js';
import type { EventEnvelope } from '../../src/platform/kernel/event.js';
import type { BusOptions } from './bus-harness.js';
import { consumeOnce } from '../../src/platform/events/inbox.js';

/**
 * BullMQ: short locks and stall checks, so jobs of a killed worker come back within a couple of
 * seconds (RabbitMQ returns a dead connection's deliveries at once).
 */
export const CRASH_TEST_BUS_OPTIONS: BusOptions = {
  concurrency: 10,
  lockDurationMs: 1000,
  stalledIntervalMs: 500,
};

/** The effects table: deliberately no unique key, so a doubled effect would show up in the counts. */
export const effectsMigration: Migration = {
  name: '0001_effects',
  up: (knex) =>
    knex.schema.createTable('effects', (table) => {
      table.increments('id');
      table.string('event_id').notNullable();
    }),
  down: (knex) => knex.schema.dropTable('effects'),
};

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The consumer's effect, through the inbox. It pauses inside the transaction and again after the
 * commit, so a kill lands either mid-transaction (rolled back) or between commit and job completion
 * (redelivered, and the inbox must drop it). Resolves whether the effect was applied.
 */
export const recordSlowEffect = async (knex: Knex, event: EventEnvelope): Promise<boolean> => {
  const applied = await consumeOnce(knex, event, async (trx) => {
    await trx('effects').insert({ event_id: event.id });
    await pause(10);
  });
  await pause(10);
  return applied;
};

/**
 * An effect that takes about `ms` (half inside the transaction, half after the commit), recorded
 * through the inbox. Resolves whether the effect was applied (false: a duplicate dropped by the inbox).
 */
export const recordEffectTaking =
  (ms: number) =>
  async (knex: Knex, event: EventEnvelope): Promise<boolean> => {
    const applied = await consumeOnce(knex, event, async (trx) => {
      await trx('effects').insert({ event_id: event.id });
      await pause(ms / 2);
    });
    await pause(ms / 2);
    return applied;
  };
