import { setTimeout as sleep } from 'node:timers/promises';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import { awayFromHeldSlot, Bulkheads, type Bulkhead } from './bulkhead.js';

const bulkhead = (concurrency: number, queue: number, maxWaitMs = 1000) => {
  const registry = new Registry();
  return { registry, bulkhead: new Bulkheads({ concurrency, queue, maxWaitMs }, registry).named('test') };
};

const metric = async (registry: Registry, name: string, labels: Record<string, string> = {}) =>
  (await registry.getSingleMetric(name)!.get()).values
    .filter((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted))
    .reduce((sum, value) => sum + value.value, 0);

/** A call that holds its place until released. */
function held(b: Bulkhead) {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  let started = false;
  const result = b.run(async () => {
    started = true;
    await done;
    return 'done';
  });
  return { result, release, started: () => started };
}

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

describe('Bulkhead', () => {
  it('runs 2 calls at once, queues 1 and refuses the 4th at once with 503 and Retry-After', async () => {
    const { bulkhead: b, registry } = bulkhead(2, 1);
    const calls = [held(b), held(b), held(b)];
    await sleep(5);
    expect(calls.map((call) => call.started())).toEqual([true, true, false]);
    expect(await metric(registry, 'bulkhead_in_flight')).toBe(2);
    expect(await metric(registry, 'bulkhead_queued')).toBe(1);
    const startedAt = performance.now();
    const error = await refusal(b.run(async () => 'never'));
    expect(performance.now() - startedAt).toBeLessThan(50);
    expect({ code: error.code, status: error.status, retryAfter: error.options.retryAfterSeconds }).toEqual({
      code: 'service_unavailable',
      status: 503,
      retryAfter: 1,
    });
    expect(await metric(registry, 'bulkhead_rejected_total', { reason: 'full' })).toBe(1);
    calls[0].release();
    await calls[0].result;
    await sleep(5);
    expect(calls[2].started()).toBe(true);
    calls[1].release();
    calls[2].release();
    expect(await Promise.all(calls.map((call) => call.result))).toEqual(['done', 'done', 'done']);
    expect(await metric(registry, 'bulkhead_in_flight')).toBe(0);
  });

  it('refuses a queued call that found no place within maxWaitMs', async () => {
    const { bulkhead: b, registry } = bulkhead(1, 5, 100);
    const first = held(b);
    const startedAt = performance.now();
    const error = await refusal(b.run(async () => 'late'));
    const waited = performance.now() - startedAt;
    expect(waited).toBeGreaterThanOrEqual(95);
    expect(waited).toBeLessThan(1000);
    expect(error.code).toBe('service_unavailable');
    expect(await metric(registry, 'bulkhead_rejected_total', { reason: 'wait' })).toBe(1);
    expect(await metric(registry, 'bulkhead_queued')).toBe(0);
    first.release();
    await first.result;
  });

  it('frees its place while a nested call to another module runs, and takes it back after', async () => {
    const { bulkhead: orders, registry } = bulkhead(1, 0);
    const payments = new Bulkheads({ concurrency: 5, queue: 0, maxWaitMs: 0 }, registry).named('payments');
    let releasePayment!: () => void;
    const slowPayment = new Promise<void>((resolve) => (releasePayment = resolve));
    const checkout = orders.run(() => awayFromHeldSlot(() => payments.run(() => slowPayment)).then(() => 'checkout'));
    await sleep(5);
    // The checkout only waits on payments: another orders call gets the one place meanwhile.
    await expect(orders.run(async () => 'read')).resolves.toBe('read');
    expect(await metric(registry, 'bulkhead_in_flight', { bulkhead: 'payments' })).toBe(1);
    releasePayment();
    await expect(checkout).resolves.toBe('checkout');
    expect(await metric(registry, 'bulkhead_in_flight')).toBe(0);
  });

  it('never lets calls back from another module push it over its limit for longer than they run', async () => {
    const { bulkhead: b, registry } = bulkhead(1, 2);
    let back!: () => void;
    const nested = new Promise<void>((resolve) => (back = resolve));
    let finish!: () => void;
    const finishing = new Promise<void>((resolve) => (finish = resolve));
    const caller = b.run(async () => {
      await awayFromHeldSlot(() => nested);
      await finishing;
    });
    await sleep(5);
    const other = held(b);
    const waiting = held(b);
    await sleep(5);
    back();
    await sleep(5);
    // Both the caller (back, finishing) and the other call hold a place; the third still waits.
    expect(await metric(registry, 'bulkhead_in_flight')).toBe(2);
    expect(waiting.started()).toBe(false);
    finish();
    await caller;
    expect(waiting.started()).toBe(false);
    other.release();
    await other.result;
    await sleep(5);
    expect(waiting.started()).toBe(true);
    waiting.release();
    await waiting.result;
    expect(await metric(registry, 'bulkhead_in_flight')).toBe(0);
  });
});
