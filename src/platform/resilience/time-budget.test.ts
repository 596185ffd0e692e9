import { describe, expect, it } from 'vitest';
import { ANSWER_RESERVE_MS, DEFAULT_BUDGET_MS, deadlineFrom, handedOnBudgetMs } from './time-budget.js';

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
