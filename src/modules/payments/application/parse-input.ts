import type { z } from 'zod';
import { AppError } from '../../../platform/errors.js';

/**
 * Validates a contract input in-process as the HTTP adapter does remotely, so a bad call is a 400
 * `validation_failed` whichever way the caller reaches this module.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw new AppError(
    'validation_failed',
    `Invalid input: ${errors.map((e) => `${e.path || 'input'}: ${e.message}`).join('; ')}`,
    { errors },
  );
}
