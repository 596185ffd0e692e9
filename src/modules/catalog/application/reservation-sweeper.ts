import type { Logger } from '../../../platform/logger.js';
import type { BackgroundTask } from '../../../platform/module.js';
import { runPeriodically } from '../../../platform/periodic-task.js';
import type { ReleaseLapsedHoldsHandler } from './release-lapsed-holds.handler.js';

/**
 * Runs {@link ReleaseLapsedHoldsHandler} every `intervalMs`. Several instances may sweep the same
 * database: each release is a conditional update, so none is done twice.
 */
export function startReservationSweeper(
  handler: ReleaseLapsedHoldsHandler,
  intervalMs: number,
  logger: Logger,
): BackgroundTask {
  return runPeriodically(
    'reservation-sweeper',
    intervalMs,
    async () => {
      const released = await handler.execute();
      if (released > 0) logger.info({ released }, 'released lapsed stock reservations');
    },
    logger,
  );
}
