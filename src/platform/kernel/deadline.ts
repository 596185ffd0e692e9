import { currentScope } from './context.js';

/** `work` was still running when its answer had to leave to reach the caller before its deadline. */
export const STILL_RUNNING = Symbol('still running');

/**
 * Waits for `work` only as long as an answer can still reach the caller before the request's
 * deadline, keeping a tenth of what is left, at least 100 ms, for the way back and a loaded event
 * loop (a remote caller has also kept its answer reserve, see resilience/time-budget.ts); then
 * resolves STILL_RUNNING and lets `work` go on. A dependency that is slow for one request thus
 * answers "not yet" instead of making its caller time out, which would look like a failure of the
 * whole dependency. Outside a request (background work, which nobody times out) it waits for
 * `work`. A failure of `work` after STILL_RUNNING is its own to report.
 */
export async function untilCallerGivesUp<T>(work: Promise<T>): Promise<T | typeof STILL_RUNNING> {
  const deadline = currentScope()?.deadline;
  if (deadline === undefined) return work;
  const remaining = deadline - Date.now();
  const patienceMs = remaining - Math.max(100, remaining / 10);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof STILL_RUNNING>((resolve) => {
    timer = setTimeout(() => resolve(STILL_RUNNING), Math.max(0, patienceMs));
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
