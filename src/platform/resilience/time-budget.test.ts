import { describe, expect, it } from 'vitest';
import { continuedContext, runWithContext } from '../kernel/context.js';
import { ANSWER_RESERVE_MS, callWaitMs, DEFAULT_BUDGET_MS, deadlineFrom, handedOnBudgetMs } from './time-budget.js';

/** Runs `fn` as a request whose budget ends `budgetMs` from now. */
const inRequest = <T>(budgetMs: number, fn: () => Promise<T>): Promise<T> =>
  runWithContext(continuedContext({}, { requestId: 'req-1', deadline: Date.now() + budgetMs }), fn);

describe('deadlineFrom', () => {
  const now = 1_000_000;

  it("takes the caller's remaining milliseconds, relative to this host's clock", () => {
    expect(deadlineFrom('250', now)).toBe(now + 250);
    expect(deadlineFrom('0', now)).toBe(now);
  });

  it('grants no caller more than the default budget', () => {
    expect(deadlineFrom('999999999', now)).toBe(now + DEFAULT_BUDGET_MS);
  });

  it('gives the default budget when none, or nonsense, was sent', () => {
    for (const header of [undefined, '', '-5', '1.5', 'soon', ['100', '200']])
      expect(deadlineFrom(header, now)).toBe(now + DEFAULT_BUDGET_MS);
  });
});

// Regression (fault suite, scenario b): orders got the gateway's whole budget, deferred a charge whose
// answer was lost at its very end, and answered 202 after the gateway had already answered 503.
describe('handedOnBudgetMs', () => {
  it('keeps the answer reserve for the caller, so the callee answers before the caller gives up', () => {
    expect(handedOnBudgetMs(DEFAULT_BUDGET_MS)).toBe(DEFAULT_BUDGET_MS - ANSWER_RESERVE_MS);
    expect(handedOnBudgetMs(3_000.7)).toBe(2_000);
  });

  it('keeps at most half of a short budget, and hands on nothing when nothing is left', () => {
    expect(handedOnBudgetMs(800)).toBe(400);
    expect(handedOnBudgetMs(0)).toBe(0);
    expect(handedOnBudgetMs(-50)).toBe(0);
  });
});

describe('callWaitMs', () => {
  it("is the call's own timeout, cut short by what is left of the request's budget", async () => {
    expect(callWaitMs(3000)).toBe(3000);
    expect(await inRequest(10_000, async () => callWaitMs(3000))).toBe(3000);
    expect(await inRequest(1000, async () => callWaitMs(3000))).toBeLessThanOrEqual(1000);
    expect(await inRequest(-5, async () => callWaitMs(3000))).toBe(1);
  });
});
