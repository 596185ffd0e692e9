import type { Logger } from '../../../platform/logger.js';
import type { BackgroundTask } from '../../../platform/module.js';
import { runPeriodically } from '../../../platform/periodic-task.js';
import { LOGIN_THROTTLE, windowCutoff } from '../domain/login-throttle.js';
import type { LoginAttempts } from './ports/login-attempts.port.js';

/**
 * Deletes ended throttling windows now and then: without it, every mistyped email ever tried
 * would keep a row. Harmless when several instances sweep at once.
 */
export function sweepLoginAttempts(
  attempts: LoginAttempts,
  logger: Logger,
  everyMs: number = LOGIN_THROTTLE.windowMs,
): BackgroundTask {
  return runPeriodically(
    'login-attempts-sweeper',
    everyMs,
    async () => {
      const deleted = await attempts.purge(windowCutoff(new Date()));
      if (deleted > 0) logger.debug({ deleted }, 'purged ended login-throttling windows');
    },
    logger,
  );
}
