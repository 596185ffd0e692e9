import type { Logger } from './logger.js';

const FORCE_EXIT_AFTER_MS = 25_000;

/**
 * SIGTERM/SIGINT: stop accepting, drain in-flight work, close pools, exit 0. A second signal, or a
 * drain that outlives the orchestrator's grace period, exits 1 at once.
 */
export function exitGracefullyOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long: exiting');
      process.exit(1);
    }, FORCE_EXIT_AFTER_MS).unref();
    stop().then(
      () => logger.flush(() => process.exit(0)),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush(() => process.exit(1));
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
