import { z } from 'zod';
import { AppError } from '../kernel/errors.js';
import { defineRoute, type AnyRoute } from '../kernel/route.js';
import type { ConsoleService } from './console-service.js';
import {
  callsResponse,
  internalTraceQuery,
  overviewResponse,
  resilienceResponse,
  storedTrace,
  traceIdParams,
  traceSearchQuery,
  traceSummary,
} from './console.schemas.js';

const tags = ['console'];

/** The admin-only JSON behind the console page (API.md "The console"), in the OpenAPI document. */
export function consoleRoutes(service: ConsoleService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/console/overview',
      summary: 'Console: the modules and where each runs, with the health of every instance',
      tags,
      access: 'admin',
      responses: { 200: overviewResponse },
      handler: async () => ({ status: 200, body: await service.overview() }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/console/calls',
      summary: 'Console: calls between modules (rate, p50/p99 latency, errors, local or remote)',
      tags,
      access: 'admin',
      responses: { 200: callsResponse },
      handler: async () => ({ status: 200, body: await service.calls() }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/console/resilience',
      summary: 'Console: circuit breakers per instance, outbox backlogs, dead letters and queue depths',
      tags,
      access: 'admin',
      responses: { 200: resilienceResponse },
      handler: async () => ({ status: 200, body: await service.resilience() }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/console/traces',
      summary: 'Console: recent traces, or those with a trace id, order id or request id, newest first',
      tags,
      access: 'admin',
      query: traceSearchQuery,
      responses: { 200: z.object({ items: z.array(traceSummary) }) },
      handler: async ({ query }) => ({ status: 200, body: await service.traces(query) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/console/traces/:traceId',
      summary: 'Console: one trace with its spans from every process, oldest first',
      tags,
      access: 'admin',
      params: traceIdParams,
      responses: { 200: storedTrace },
      async handler({ params }) {
        const trace = await service.trace(params.traceId);
        if (!trace) throw new AppError('not_found', `No recent trace ${params.traceId}`);
        return { status: 200, body: trace };
      },
    }),
  ];
}

/** What a process tells the gateway's console, for service tokens only (never forwarded, never documented). */
export function internalConsoleRoutes(service: ConsoleService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/internal/console/snapshot',
      summary: "This process's console data",
      tags,
      access: 'internal',
      responses: { 200: z.unknown() },
      handler: async () => ({ status: 200, body: await service.ownSnapshot() }),
    }),
    defineRoute({
      method: 'get',
      path: '/internal/console/traces',
      summary: "This process's part of recent or matching traces",
      tags,
      access: 'internal',
      query: internalTraceQuery,
      responses: { 200: z.unknown() },
      handler: ({ query }) => ({ status: 200, body: { items: service.ownTraces(query) } }),
    }),
  ];
}
