import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import { awayFromHeldSlot, Bulkheads, type Bulkhead } from './bulkhead.js';
import { runForClient } from './client-share.js';

const bulkhead = (concurrency: number, queue: number, perClient: number) => {
  const registry = new Registry();
  const limits = { concurrency, queue, maxWaitMs: 1000, perClient };
  return { registry, bulkhead: new Bulkheads(limits, registry).named('test') };
};

const rejected = async (registry: Registry, reason: string) =>
  (await registry.getSingleMetric('bulkhead_rejected_total')!.get()).values
    .filter((value) => value.labels.reason === reason)
    .reduce((sum, value) => sum + value.value, 0);

/** A call for `client` (none: work that did not come through the edge) that holds its place until released. */
function held(b: Bulkhead, client?: string) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  let started = false;
  const work = () =>
    b.run(async () => {
      started = true;
      await done;
      return 'done';
    });
  const result = client === undefined ? work() : runForClient(client, work);
  result.catch(() => undefined);
  return { result, release, started: () => started };
}

const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ran',
    (error: unknown) =>
      error instanceof AppError ? `${error.status} retry-after ${error.options.retryAfterSeconds}` : 'bug',
  );

describe('Bulkhead: fair shares per client', () => {
  it('refuses a client its 3rd call at once when its share is 2, while other clients and calls without one still get places', async () => {
    const { bulkhead: b, registry } = bulkhead(2, 3, 2);
    const alice = [held(b, 'user:alice'), held(b, 'user:alice')];
    await sleep(5);
    const startedAt = performance.now();
    expect(await outcome(held(b, 'user:alice').result)).toBe('503 retry-after 1');
    expect(performance.now() - startedAt).toBeLessThan(50);
    expect(await rejected(registry, 'share')).toBe(1);
    // Bob and the background work wait in the queue rather than being refused.
    const others = [held(b, 'user:bob'), held(b, 'user:bob'), held(b)];
    await sleep(5);
    expect(await rejected(registry, 'full')).toBe(0);
    alice[0].release();
    alice[1].release();
    await Promise.all(alice.map((call) => call.result));
    await sleep(5);
    expect(others.slice(0, 2).map((call) => call.started())).toEqual([true, true]);
    // Alice's share came back with her calls.
    const again = held(b, 'user:alice');
    others.forEach((call) => call.release());
    await sleep(5);
    again.release();
    expect(await Promise.all([again, ...others].map((call) => outcome(call.result)))).toEqual([
      'ran',
      'ran',
      'ran',
      'ran',
    ]);
    expect(await rejected(registry, 'share')).toBe(1);
  });

  it('counts a call that waits on another module from its place against its client, though the place is free', async () => {
    const { bulkhead: orders, registry } = bulkhead(4, 0, 2);
    let back!: () => void;
    const slowPayment = new Promise<void>((resolve) => (back = resolve));
    const checkout = runForClient('user:alice', () => orders.run(() => awayFromHeldSlot(() => slowPayment)));
    await sleep(5);
    const second = held(orders, 'user:alice');
    expect(await outcome(held(orders, 'user:alice').result)).toBe('503 retry-after 1');
    back();
    second.release();
    await Promise.all([checkout, second.result]);
    expect(await rejected(registry, 'share')).toBe(1);
  });

  it('gives back the share of a call refused because the bulkhead was full', async () => {
    const { bulkhead: b, registry } = bulkhead(1, 0, 2);
    const first = held(b, 'user:alice');
    await sleep(5);
    for (let i = 0; i < 3; i++) expect(await outcome(held(b, 'user:alice').result)).toBe('503 retry-after 1');
    expect([await rejected(registry, 'full'), await rejected(registry, 'share')]).toEqual([3, 0]);
    first.release();
    await first.result;
    const next = [held(b, 'user:alice')];
    await sleep(5);
    expect(next[0].started()).toBe(true);
    const queued = held(b, 'user:alice');
    expect(await outcome(queued.result)).toBe('503 retry-after 1');
    expect(await rejected(registry, 'full')).toBe(4);
    next[0].release();
    expect(await outcome(next[0].result)).toBe('ran');
  });
});
