import { describe, expect, it } from 'vitest';
import { metricValue, sleep, thingHappened } from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import { effectsIn, PUBLISHER, useMemoryBusPipeline } from '../../../test/support/outbox-memory-bus-fixtures.js';
import type { EventEnvelope } from '../kernel/event.js';
import { consumeOnce } from './inbox.js';

const n = (event: EventEnvelope) => (event.payload as { n: number }).n;

// Delivery through the inbox to consumers that fail for a while, or for good (dead letters).
describe('OutboxRelay with the MemoryEventBus on SQLite (monolith mode)', () => {
  const { setup, startPipeline } = useMemoryBusPipeline();

  it('delivers exactly 10 effects to a consumer failing on 3 of 10 events then recovering, and exactly 10 to a second consumer (through the inbox)', async () => {
    const { publisher, consumerDbs } = await setup(['flaky', 'steady']);
    const { bus, relay, commit } = startPipeline(publisher, ['flaky', 'steady'], { retryBaseMs: 20 });
    const failing = new Set([2, 5, 8]);
    let flakyFailures = 0;
    let steadyDuplicates = 0;
    await bus.consume('flaky', async (event) => {
      await consumeOnce(consumerDbs.get('flaky')!.knex, event, async (trx) => {
        if (failing.delete(n(event))) {
          flakyFailures++;
          throw new Error(`transient failure on ${n(event)}`);
        }
        await trx('effects').insert({ event_id: event.id });
      });
    });
    await bus.consume('steady', async (event) => {
      const applied = await consumeOnce(
        consumerDbs.get('steady')!.knex,
        event,
        async (trx) => void (await trx('effects').insert({ event_id: event.id })),
      );
      if (!applied) steadyDuplicates++;
    });
    relay.start();

    for (let value = 0; value < 10; value++) await commit(value);
    await eventually('backlog drained', async () => (await relay.backlog()) === 0, { timeoutMs: 10_000 });
    await sleep(200); // room for a (wrong) extra delivery

    expect(flakyFailures).toBe(3);
    expect(await effectsIn(consumerDbs.get('flaky')!.knex)).toEqual({ total: 10, distinct: 10 });
    expect(await effectsIn(consumerDbs.get('steady')!.knex)).toEqual({ total: 10, distinct: 10 });
    // The steady consumer saw the 3 failed events again; its inbox dropped them.
    expect(steadyDuplicates).toBe(3);
    const rows = await publisher.knex('outbox').select('attempts', 'dispatched_at', 'dead_lettered_at', 'last_error');
    expect(rows.filter((row) => row.dispatched_at !== null)).toHaveLength(10);
    expect(rows.map((row) => Number(row.attempts)).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    expect(
      rows
        .filter((row) => row.last_error !== null)
        .every((row) => String(row.last_error).includes('transient failure')),
    ).toBe(true);
  });

  it('dead-letters a poison event after N attempts while 20 events published after it are all delivered (no head-of-line blocking)', async () => {
    const { publisher, consumerDbs } = await setup(['picky']);
    const maxAttempts = 4;
    const { bus, relay, commit, lines, metrics } = startPipeline(publisher, ['picky'], {
      maxAttempts,
      retryBaseMs: 100,
    });
    const db = consumerDbs.get('picky')!;
    let poisonAttempts = 0;
    await bus.consume('picky', async (event) => {
      await consumeOnce(db.knex, event, async (trx) => {
        if (n(event) === -1) {
          poisonAttempts++;
          throw new Error('cannot handle this event, ever');
        }
        await trx('effects').insert({ event_id: event.id });
      });
    });
    relay.start();

    await commit(-1);
    await eventually('the poison event’s first failure', () => poisonAttempts === 1);
    for (let value = 0; value < 20; value++) await commit(value);
    await eventually('the 20 later events', async () => (await effectsIn(db.knex)).total === 20, { timeoutMs: 10_000 });
    // Delivered while the poison event was still waiting for its retries.
    expect(poisonAttempts).toBeLessThan(maxAttempts);
    expect(lines.filter((line) => line.level === 50)).toHaveLength(0);

    await eventually('the dead letter', () => lines.some((line) => line.level === 50), { timeoutMs: 10_000 });
    await sleep(300); // room for a (wrong) further attempt
    expect(poisonAttempts).toBe(maxAttempts);
    expect(await effectsIn(db.knex)).toEqual({ total: 20, distinct: 20 });
    expect(lines.filter((line) => line.level === 50)).toMatchObject([
      { module: PUBLISHER, consumers: ['picky'], event: thingHappened.name, attempt: maxAttempts },
    ]);
    expect(
      await metricValue(metrics, 'events_dead_lettered_total', { module: 'picky', event: thingHappened.name }),
    ).toBe(1);
    const poison = await publisher.knex('outbox').where('envelope', 'like', '%"n":-1%').first();
    expect(poison).toMatchObject({ dispatched_at: null, claimed_by: null });
    expect(Number(poison.attempts)).toBe(maxAttempts);
    expect(poison.dead_lettered_at).not.toBeNull();
    expect(poison.last_error).toContain('cannot handle this event, ever');
    expect(await relay.backlog()).toBe(0); // dead letters are not backlog
    expect(Number((await publisher.knex('outbox').whereNotNull('dispatched_at').count({ c: '*' }))[0].c)).toBe(20);
  });
});
