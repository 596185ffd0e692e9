import { describe, expect, it } from 'vitest';
import { DEFAULT_BUDGET_MS, deadlineFrom } from './time-budget.js';

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
