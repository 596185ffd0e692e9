import { z } from 'zod';

/** The JSON shapes of the console API: validated nowhere but documented in the OpenAPI document. */
const versions = z.record(z.string(), z.string().describe('MAJOR.MINOR'));
const instance = z.object({
  url: z.string(),
  healthy: z.boolean(),
  error: z.string().optional(),
  contracts: z
    .object({ serves: versions, calls: versions })
    .optional()
    .describe('The contract versions the instance serves, and those of the modules it was built to call'),
});

export const overviewResponse = z.object({
  process: z.object({ service: z.string(), url: z.string(), modules: z.array(z.string()) }),
  modules: z.array(
    z.object({
      name: z.string(),
      location: z.enum(['local', 'remote']),
      instances: z.array(instance),
    }),
  ),
  generatedAt: z.string(),
});

export const callsResponse = z.object({
  edges: z.array(
    z.object({
      caller: z.string(),
      callee: z.string(),
      operation: z.string(),
      transport: z.string().describe('local (in-process) or remote (over HTTP)'),
      calls: z.number(),
      errors: z.number(),
      ratePerSecond: z.number().nullable(),
      p50Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
    }),
  ),
  generatedAt: z.string(),
});

const sourced = { instance: z.string(), service: z.string() };

export const resilienceResponse = z.object({
  processes: z.array(
    z.object({
      instance: z.string(),
      service: z.string().nullable(),
      bus: z.string().nullable(),
      error: z.string().optional(),
    }),
  ),
  breakers: z.array(z.object({ ...sourced, dependency: z.string(), state: z.enum(['closed', 'half-open', 'open']) })),
  outbox: z.array(z.object({ ...sourced, module: z.string(), backlog: z.number(), oldestAgeSeconds: z.number() })),
  deadLetters: z.array(z.object({ ...sourced, module: z.string(), event: z.string(), count: z.number() })),
  queues: z.array(
    z.object({
      ...sourced,
      module: z.string(),
      waiting: z.number(),
      active: z.number(),
      delayed: z.number(),
      failed: z.number(),
      error: z.string().optional(),
    }),
  ),
  generatedAt: z.string(),
});

export const traceSummary = z.object({
  traceId: z.string(),
  root: z.string(),
  startMs: z.number(),
  durationMs: z.number(),
  spanCount: z.number(),
  errorCount: z.number(),
  services: z.array(z.string()),
  modules: z.array(z.string()),
  orderIds: z.array(z.string()),
  requestIds: z.array(z.string()),
});

export const storedTrace = z.object({
  traceId: z.string(),
  startMs: z.number(),
  durationMs: z.number(),
  spans: z.array(
    z.object({
      traceId: z.string(),
      spanId: z.string(),
      parentSpanId: z.string().optional(),
      name: z.string(),
      kind: z.enum(['internal', 'server', 'client', 'producer', 'consumer']),
      service: z.string(),
      module: z.string(),
      startMs: z.number(),
      durationMs: z.number(),
      attributes: z.record(z.string(), z.unknown()),
      status: z.enum(['unset', 'ok', 'error']),
      statusMessage: z.string().optional(),
    }),
  ),
});

const hexId = (length: number) => z.string().regex(new RegExp(`^[0-9a-f]{${length}}$`), `${length} hex digits`);
const searchText = z.string().trim().min(1).max(128);

export const traceSearchQuery = z.object({
  traceId: hexId(32).optional(),
  orderId: searchText.optional(),
  requestId: searchText.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

/** What the gateway asks each process: the same search, or whole traces by id. */
export const internalTraceQuery = traceSearchQuery.extend({
  traceIds: z
    .string()
    .transform((value) => value.split(',').filter(Boolean))
    .pipe(z.array(hexId(32)).max(100))
    .optional(),
});

export const traceIdParams = z.object({ traceId: hexId(32) });
