import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { continuedContext, runWithContext } from './context.js';
import { STILL_RUNNING, untilCallerGivesUp } from './deadline.js';

/** Runs `fn` as a request whose deadline is `budgetMs` from now. */
const inRequest = <T>(budgetMs: number, fn: () => Promise<T>): Promise<T> =>
  runWithContext(continuedContext({}, { requestId: 'req-1', deadline: Date.now() + budgetMs }), fn);

describe('untilCallerGivesUp', () => {
  it("answers with the work's result when it ends in time, and outside a request waits for it", async () => {
    expect(await inRequest(1000, () => untilCallerGivesUp(sleep(10, 'done')))).toBe('done');
    expect(await untilCallerGivesUp(sleep(300, 'background'))).toBe('background');
  });

  it('answers STILL_RUNNING while the answer can still reach the caller, and lets the work go on', async () => {
    let finished = false;
    const work = sleep(600).then(() => (finished = true));
    // 500 ms left: 100 ms are kept for the way back, so it stops waiting for the work after 400 ms.
    expect(await inRequest(500, () => untilCallerGivesUp(work))).toBe(STILL_RUNNING);
    expect(finished).toBe(false);
    await work;
    expect(finished).toBe(true);
  });

  it('passes a failure of the work on when it fails in time', async () => {
    await expect(inRequest(1000, () => untilCallerGivesUp(Promise.reject(new Error('provider down'))))).rejects.toThrow(
      'provider down',
    );
  });
});
