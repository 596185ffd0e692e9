import type { Logger } from '../kernel/logger.js';
import type { BackgroundTask } from '../kernel/module.js';

/**
 * Runs `work` now and then `intervalMs` after each run ends (runs never overlap); stop() waits for
 * the run in progress. A failing run is logged and the next one happens as planned. Every module's
 * background chores (sweepers, recovery, retries) run through this one loop.
 */
export function runPeriodically(
  name: string,
  intervalMs: number,
  work: () => Promise<unknown>,
  logger: Logger,
): BackgroundTask {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    running = work()
      .then(
        () => undefined,
        (error: unknown) => logger.error({ err: error, task: name }, 'background task failed'),
      )
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, intervalMs).unref();
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
