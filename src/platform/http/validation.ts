import type { z } from 'zod';
import { AppError, type FieldError } from '../kernel/errors.js';

const toFieldErrors = (error: z.ZodError, prefix: string): FieldError[] =>
  error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));

/** Parses `value` or throws 400 validation_failed listing every failing field by path. */
export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: 'body' | 'query' | 'params' | 'headers',
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  // Body paths are reported as the client wrote them ("items.0.quantity"); other locations are prefixed.
  const errors = toFieldErrors(result.error, where === 'body' ? '' : where);
  throw new AppError(
    'validation_failed',
    `The request ${where} is invalid: ${errors.map((e) => `${e.path || where}: ${e.message}`).join('; ')}`,
    { errors },
  );
}
