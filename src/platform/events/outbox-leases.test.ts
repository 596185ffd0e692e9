import { expect, it } from 'vitest';
import { RecordingBus, sleep, thingHappened } from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import { outboxSuiteOnEachDatabase } from '../../../test/support/outbox-fixtures.js';

// Leases between relays: a row is published by one relay at a time, and a dead relay's rows are not lost.
await outboxSuiteOnEachDatabase(({ openDb, relayFor }) => {
  it('keeps its lease while a publish outlasts it: a second relay does not publish the batch again', async () => {
    const db = await openDb();
    const other = await openDb();
    await db.sql.transaction((tx) => tx.publish(thingHappened, { n: 1 }));
    const bus = new RecordingBus(700); // each publish takes longer than the 300 ms lease
    const { relay } = relayFor(db, bus, { leaseMs: 300, pollIntervalMs: 50 });
    relay.start();
    await sleep(50);
    const { relay: second } = relayFor(other, bus, { leaseMs: 300, pollIntervalMs: 50 });
    second.start();
    await eventually('the publish', () => bus.published.size === 1, { timeoutMs: 3000 });
    await eventually('backlog drained', async () => (await relay.backlog()) === 0, { timeoutMs: 3000 });
    await sleep(800);
    expect([...bus.published.values()]).toEqual([1]);
  });

  it('marks a published row dispatched even when another relay took it over meanwhile (lapsed lease)', async () => {
    const db = await openDb();
    await db.sql.transaction((tx) => tx.publish(thingHappened, { n: 1 }));
    const bus = new RecordingBus(200);
    const { relay } = relayFor(db, bus);
    relay.start();
    await eventually(
      'the claim',
      async () => (await db.knex('outbox').whereNotNull('claimed_by').count({ c: '*' }))[0].c == 1,
      { timeoutMs: 3000 },
    );
    await db.knex('outbox').update({ claimed_by: 'another-relay' }); // as if its lease had lapsed and been taken
    await eventually('the publish', () => bus.published.size === 1, { timeoutMs: 3000 });
    await eventually('marked dispatched', async () => (await db.knex('outbox').first()).dispatched_at !== null, {
      timeoutMs: 3000,
    });
    expect(await relay.backlog()).toBe(0);
  });

  it('republishes a row claimed by a relay that died once its lease runs out', async () => {
    const db = await openDb();
    await db.sql.transaction((tx) => tx.publish(thingHappened, { n: 1 }));
    await db.knex('outbox').update({ claimed_by: 'dead-relay', claimed_until: Date.now() + 300 });
    const bus = new RecordingBus();
    const { relay } = relayFor(db, bus, { pollIntervalMs: 50 });
    relay.start();
    await sleep(150);
    expect(bus.published.size).toBe(0);
    await eventually('publish after lease expiry', () => bus.published.size === 1, { timeoutMs: 3000 });
  });
});
