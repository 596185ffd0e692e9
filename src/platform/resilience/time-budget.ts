import { currentScope } from '../kernel/context.js';
import { AppError } from '../kernel/errors.js';

/**
 * The milliseconds the caller still has for this request. Relative rather than a deadline, so the
 * clocks of the hosts it crosses need not agree; each hop subtracts the time it has spent.
 */
export const BUDGET_HEADER = 'x-shop-budget-ms';

/** A request's budget when nobody sent one, and the most any caller may grant: the gateway's timeout. */
export const DEFAULT_BUDGET_MS = 10_000;

/** The deadline of a request that arrived now with `header`: the caller's remaining budget, capped at the default. */
export function deadlineFrom(header: string | string[] | undefined, now = Date.now()): number {
  const sent = typeof header === 'string' && /^\d{1,9}$/.test(header) ? Number(header) : DEFAULT_BUDGET_MS;
  return now + Math.min(sent, DEFAULT_BUDGET_MS);
}

/** What is left of the current request's budget; undefined outside a request (background work has none). */
export function remainingBudgetMs(): number | undefined {
  const deadline = currentScope()?.deadline;
  return deadline === undefined ? undefined : deadline - Date.now();
}

export const budgetSpent = (): boolean => (remainingBudgetMs() ?? 1) <= 0;

const spentError = () =>
  new AppError('service_unavailable', 'The time budget of this request ran out before the work was done', {
    retryAfterSeconds: 1,
  });

/** Refuses to start a step whose request has no time left: its caller has given up or is about to. */
export function assertBudgetLeft(): void {
  if (budgetSpent()) throw spentError();
}

/**
 * What a caller keeps of its budget when it hands the rest on: the time to record the callee's
 * outcome (or its absence) and carry the answer back before the caller's own timeout fires. Without
 * it, a callee that works to the last millisecond (orders deferring a charge whose answer was lost)
 * answers 202 just after the gateway gave up and answered 503 for an order that goes on to be charged.
 */
export const ANSWER_RESERVE_MS = 1_000;

/** The budget handed to the next hop when `remaining` ms are left: less the reserve, which takes at most half. */
export const handedOnBudgetMs = (remaining: number): number =>
  Math.max(0, Math.floor(remaining - Math.min(ANSWER_RESERVE_MS, remaining / 2)));

/** How long a call made now is waited for: its own timeout, cut short by what is left of the request's budget. */
export const callWaitMs = (timeoutMs: number): number =>
  Math.max(1, Math.floor(Math.min(timeoutMs, remainingBudgetMs() ?? Infinity)));

/**
 * The header that tells the next hop how long its caller waits for this call (background work
 * included), less {@link ANSWER_RESERVE_MS}, so it answers before the caller's timeout fires.
 */
export const budgetHeader = (waitMs: number): Record<string, string> => ({
  [BUDGET_HEADER]: String(handedOnBudgetMs(waitMs)),
});

/**
 * Runs `work` and gives up waiting for it when the budget runs out, as a remote call's timeout
 * would: the work itself goes on (steps are idempotent and the saga settles what it finished).
 */
export async function withinBudget<T>(work: () => Promise<T>): Promise<T> {
  const remaining = remainingBudgetMs();
  if (remaining === undefined) return work();
  if (remaining <= 0) throw spentError();
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(spentError()), remaining);
  });
  try {
    return await Promise.race([work(), expiry]);
  } finally {
    clearTimeout(timer);
  }
}
