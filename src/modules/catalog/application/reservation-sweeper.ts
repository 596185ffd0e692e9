import type { Logger } from '../../../platform/logger.js';
import type { BackgroundTask } from '../../../platform/module.js';
import type { ReleaseLapsedHoldsHandler } from './release-lapsed-holds.handler.js';

/**
 * Runs {@link ReleaseLapsedHoldsHandler} every `intervalMs`, one pass at a time. Several instances
 * may sweep the same database: each release is a conditional update, so none is done twice.
 */
export function startReservationSweeper(handler: ReleaseLapsedHoldsHandler, intervalMs: number, logger: Logger): BackgroundTask {
  let running: Promise<void> | undefined;
  const sweep = () => {
    running ??= handler
      .execute()
      .then((released) => {
        if (released > 0) logger.info({ released }, 'released lapsed stock reservations');
      })
      .catch((error: unknown) => logger.error({ err: error }, 'reservation sweep failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(sweep, intervalMs);
  timer.unref();
  sweep();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
