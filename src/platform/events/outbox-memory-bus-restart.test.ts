import { describe, expect, it } from 'vitest';
import { OUTBOX_CHILD } from '../../../test/support/events-outbox-child.js';
import {
  effectIds,
  effectsIn,
  outboxState,
  useMemoryBusPipeline,
} from '../../../test/support/outbox-memory-bus-fixtures.js';

// The publisher process dies (SIGKILL) or is stopped gracefully mid-way, then restarts over the same files.
describe('OutboxRelay with the MemoryEventBus on SQLite (monolith mode)', () => {
  const { setup, runChild, restartAndDrain } = useMemoryBusPipeline();

  it('commit, then the process dies (SIGKILL) before delivery: after restart exactly 50 distinct effects, none missing, none doubled', async () => {
    const { dataDir, publisher, consumerDbs } = await setup([OUTBOX_CHILD.consumer]);
    const consumerDb = consumerDbs.get(OUTBOX_CHILD.consumer)!;
    const { child, exited } = await runChild(dataDir, consumerDb, 10);
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');

    // Killed mid-way, really: all 50 committed, some delivered, some not.
    const atKill = await outboxState(publisher);
    expect(atKill.total).toBe(OUTBOX_CHILD.events);
    expect((await effectsIn(consumerDb.knex)).total).toBeLessThan(OUTBOX_CHILD.events);
    expect(atKill.dispatched.length).toBeLessThan(OUTBOX_CHILD.events);
    // The point of the fix: a row is marked dispatched only once its effect is committed.
    const delivered = new Set(await effectIds(consumerDb));
    expect(atKill.dispatched.filter((id) => !delivered.has(id))).toEqual([]);

    const { duplicatesDropped } = await restartAndDrain(publisher, consumerDb);
    expect(await effectsIn(consumerDb.knex)).toEqual({ total: 50, distinct: 50 });
    const after = await outboxState(publisher);
    expect(after.dispatched).toHaveLength(50);
    expect(await effectIds(consumerDb)).toEqual(after.dispatched);
    console.info(
      `outbox kill test: ${atKill.dispatched.length} dispatched before the kill, ${duplicatesDropped} redelivery(ies) dropped by the inbox`,
    );
  }, 60_000);

  it('graceful stop mid-way (relay.stop(), bus.close()): nothing accepted is dropped, and after restart exactly 50 effects', async () => {
    const { dataDir, publisher, consumerDbs } = await setup([OUTBOX_CHILD.consumer]);
    const consumerDb = consumerDbs.get(OUTBOX_CHILD.consumer)!;
    const { child, exited, output } = await runChild(dataDir, consumerDb, 10);
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(output()).toContain('stopped');

    // Stopped mid-way, after finishing its batch in flight: every dispatched row has its effect and
    // every effect its dispatched row; nothing is left claimed.
    const atStop = await outboxState(publisher);
    expect(atStop.total).toBe(OUTBOX_CHILD.events);
    expect(atStop.dispatched.length).toBeLessThan(OUTBOX_CHILD.events);
    expect(atStop.claimed).toBe(0);
    expect(await effectIds(consumerDb)).toEqual(atStop.dispatched);

    const { duplicatesDropped } = await restartAndDrain(publisher, consumerDb);
    expect(await effectsIn(consumerDb.knex)).toEqual({ total: 50, distinct: 50 });
    expect((await outboxState(publisher)).dispatched).toHaveLength(50);
    expect(duplicatesDropped).toBe(0);
  }, 60_000);
});
