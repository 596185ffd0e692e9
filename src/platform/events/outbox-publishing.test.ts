import { expect, it } from 'vitest';
import { continuedContext, runWithContext } from '../kernel/context.js';
import { metricValue, RecordingBus, sleep, thingHappened } from '../../../test/support/events-fixtures.js';
import { eventually } from '../../../test/support/eventually.js';
import { MODULE, outboxSuiteOnEachDatabase } from '../../../test/support/outbox-fixtures.js';

// Publishing after commit, and retrying when the bus is down, refuses an event or hangs.
await outboxSuiteOnEachDatabase(({ open, openDb, relayFor }) => {
  it('publishes once the transaction commits (not before), carrying the trace context, and nothing for a rollback', async () => {
    const db = await openDb();
    const bus = new RecordingBus();
    const { relay, metrics } = relayFor(db, bus);
    relay.start();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const origin = continuedContext({ traceparent: `00-${traceId}-00f067aa0ba902b7-01` }, { requestId: 'req-7' });
    await runWithContext(origin, () =>
      db.sql.transaction(async (tx) => {
        await tx.publish(thingHappened, { n: 1 });
        await sleep(50);
        expect(bus.envelopes).toHaveLength(0);
      }),
    );
    await eventually('publish after commit', () => bus.envelopes.length === 1, { timeoutMs: 3000 });
    expect(bus.envelopes[0]).toMatchObject({
      name: 'thing.happened',
      source: MODULE,
      payload: { n: 1 },
      requestId: 'req-7',
    });
    expect(bus.envelopes[0].traceparent).toContain(traceId);

    await db.sql
      .transaction(async (tx) => {
        await tx.publish(thingHappened, { n: 2 });
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    await sleep(100);
    expect(bus.envelopes).toHaveLength(1);
    expect(await relay.backlog()).toBe(0);
    expect(await metricValue(metrics, 'outbox_published_total', { module: MODULE })).toBe(1);
  });

  it('rejects a payload that does not match the event schema', async () => {
    const db = await openDb();
    await expect(
      db.sql.transaction((tx) => tx.publish(thingHappened, { n: 'one' } as unknown as { n: number })),
    ).rejects.toThrow();
    expect(Number((await db.knex('outbox').count({ c: '*' }))[0].c)).toBe(0);
  });

  it('delivers an event committed just before a crash exactly once after restart', async () => {
    const crashed = await openDb();
    await crashed.sql.transaction((tx) => tx.publish(thingHappened, { n: 42 }));
    await crashed.close(); // the relay never ran
    open.splice(open.indexOf(crashed), 1);
    const db = await openDb();
    const bus = new RecordingBus();
    const { relay } = relayFor(db, bus);
    relay.start();
    await eventually('publish after restart', async () => (await relay.backlog()) === 0, { timeoutMs: 3000 });
    await sleep(100);
    expect([...bus.published.values()]).toEqual([1]);
  });

  it('keeps rows while the bus is down and publishes each once when it is back', async () => {
    const db = await openDb();
    const bus = new RecordingBus();
    bus.failing = true;
    const { relay } = relayFor(db, bus, { pollIntervalMs: 50, maxBackoffMs: 100 });
    relay.start();
    for (let n = 0; n < 5; n++) await db.sql.transaction((tx) => tx.publish(thingHappened, { n }));
    await sleep(200);
    expect(await relay.backlog()).toBe(5);
    bus.failing = false;
    await eventually('backlog drained', async () => (await relay.backlog()) === 0, { timeoutMs: 3000 });
    expect([...bus.published.values()]).toEqual([1, 1, 1, 1, 1]);
    // An unreachable bus is not the events' fault: no attempt was counted against them.
    expect((await db.knex('outbox').select('attempts')).map((row) => Number(row.attempts))).toEqual([0, 0, 0, 0, 0]);
  });

  it('counts an attempt when the bus is reachable but refuses an event, retries it with backoff and dead-letters it after N attempts', async () => {
    const db = await openDb();
    let refusals = 0;
    const refusing = new (class extends RecordingBus {
      override async publish(): Promise<void> {
        refusals++;
        throw new Error('refused by a consumer');
      }
    })();
    const { relay, metrics } = relayFor(db, refusing, { maxAttempts: 3, retryBaseMs: 20 });
    relay.start();
    await db.sql.transaction((tx) => tx.publish(thingHappened, { n: 1 }));
    await eventually(
      'dead letter',
      async () => Number((await db.knex('outbox').whereNotNull('dead_lettered_at').count({ c: '*' }))[0].c) === 1,
      { timeoutMs: 3000 },
    );
    await sleep(150);
    expect(refusals).toBe(3);
    const row = await db.knex('outbox').first();
    expect(Number(row.attempts)).toBe(3);
    expect(row.last_error).toContain('refused by a consumer');
    expect(row.dispatched_at).toBeNull();
    expect(await relay.backlog()).toBe(0);
    // Not a consuming module's failure (no EventDeliveryError): counted under the publishing module.
    expect(await metricValue(metrics, 'events_dead_lettered_total', { module: MODULE, event: 'thing.happened' })).toBe(
      1,
    );
  });

  it('counts a publish that outlives publishTimeoutMs (a hung handler) as a failed attempt, and publishes the row again', async () => {
    const db = await openDb();
    const bus = new (class extends RecordingBus {
      calls = 0;
      override async publish(event: Parameters<RecordingBus['publish']>[0]): Promise<void> {
        if (++this.calls === 1) return new Promise<void>(() => undefined); // never settles
        return super.publish(event);
      }
    })();
    const { relay } = relayFor(db, bus, { publishTimeoutMs: 100, retryBaseMs: 20 });
    relay.start();
    await db.sql.transaction((tx) => tx.publish(thingHappened, { n: 1 }));
    await eventually('backlog drained', async () => (await relay.backlog()) === 0, { timeoutMs: 3000 });
    expect(bus.calls).toBe(2);
    expect([...bus.published.values()]).toEqual([1]);
    const row = await db.knex('outbox').first();
    expect(Number(row.attempts)).toBe(1);
    expect(row.last_error).toContain('timed out');
  });
});
