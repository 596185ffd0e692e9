import { pino, type Logger } from 'pino';
import { logCorrelation } from './context.js';

export type { Logger };

/** Paths never written to logs, wherever they appear in a logged object. */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'accessToken',
  '*.accessToken',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers["x-internal-token"]',
  'paymentMethod',
  '*.paymentMethod',
  // Shapes found leaking by logger.test.ts: one level deeper (req.body.password), outgoing calls
  // (capitalised Authorization), service tokens on req, stored hashes, and the config itself.
  '*.*.password',
  '*.*.paymentMethod',
  'Authorization',
  '*.Authorization',
  '*.headers.Authorization',
  '*.headers.cookie',
  '*.headers["x-internal-token"]',
  'passwordHash',
  '*.passwordHash',
  'password_hash',
  '*.password_hash',
  'internalTokenSecret',
  '*.internalTokenSecret',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Every line written while serving a request or an event names it and its span (trace_id,
      // span_id: the OpenTelemetry log data model's names), without threading a child logger through.
      mixin: () => logCorrelation() ?? {},
    },
    destination ?? pino.destination({ sync: false }),
  );
}
