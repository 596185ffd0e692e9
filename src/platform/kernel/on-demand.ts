import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package that only some configurations use (BullMQ, undici pools, an OTLP exporter, SMTP,
 * Swagger UI), loaded when first needed: a monolith that does not use it pays neither its memory
 * nor its start-up. Write `onDemand<typeof import('pkg')>('pkg')`; `import type` keeps the types.
 */
export const onDemand = <T>(name: string): T => require(name) as T;
