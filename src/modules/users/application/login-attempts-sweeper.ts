import type { Logger } from '../../../platform/logger.js';
import type { BackgroundTask } from '../../../platform/module.js';
import { LOGIN_THROTTLE, windowCutoff } from '../domain/login-throttle.js';
import type { LoginAttempts } from './ports/login-attempts.port.js';

/**
 * Deletes ended throttling windows now and then: without it, every mistyped email ever tried
 * would keep a row. Harmless when several instances sweep at once.
 */
export function sweepLoginAttempts(attempts: LoginAttempts, logger: Logger, everyMs: number = LOGIN_THROTTLE.windowMs): BackgroundTask {
  let running: Promise<void> | undefined;
  const sweep = () => {
    running ??= attempts
      .purge(windowCutoff(new Date()))
      .then((deleted) => void (deleted > 0 && logger.debug({ deleted }, 'purged ended login-throttling windows')))
      .catch((error: unknown) => logger.warn({ err: error }, 'purging login-throttling windows failed'))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(sweep, everyMs);
  timer.unref();
  sweep();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
