import { z } from 'zod';
import type { AnyRoute } from '../kernel/route.js';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    traceId: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') =>
  z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });

/** `/products/:id` → `/products/{id}`. */
export const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z_]\w*)/g, '{$1}');

function parametersOf(route: AnyRoute) {
  const parameters: object[] = [];
  const add = (schema: z.ZodType | undefined, location: 'path' | 'query' | 'header') => {
    if (!schema) return;
    const json = jsonSchema(schema, 'input') as { properties?: Record<string, object>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      parameters.push({
        name,
        in: location,
        required: location === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
    }
  };
  add(route.params, 'path');
  add(route.query, 'query');
  add(route.headers, 'header');
  return parameters;
}

function operationOf(route: AnyRoute) {
  const responses: Record<string, object> = {};
  for (const [status, schema] of Object.entries(route.responses)) {
    responses[status] = schema
      ? { description: route.summary, content: { 'application/json': { schema: jsonSchema(schema, 'output') } } }
      : { description: route.summary };
  }
  const problem = (description: string) => ({
    description,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  });
  // The failures every route of this shape can produce; route-specific ones (404, 409, ...) fall under default.
  if (route.params || route.query || route.body || route.headers)
    responses['400'] ??= problem('validation_failed or malformed_json');
  if (route.access !== 'public') responses['401'] ??= problem('unauthorized: missing, invalid or expired access token');
  if (route.access === 'admin') responses['403'] ??= problem('forbidden: the admin role is required');
  responses.default = problem('Problem (RFC 9457) with a machine `code`; see the error table of the API guide');
  return {
    summary: route.summary,
    tags: route.tags,
    operationId: `${route.method}${toOpenApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
    ...(route.access === 'public' ? {} : { security: [{ bearerAuth: [] }] }),
    parameters: parametersOf(route),
    ...(route.body
      ? {
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document, generated from the route declarations (never written by hand). */
export function buildOpenApiDocument(routes: AnyRoute[]) {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes.filter((r) => r.access !== 'internal')) {
    const path = toOpenApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Modular Shop API',
      version: '1.0.0',
      description: 'E-commerce backend: users, catalog, orders, payments, notifications.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: problemSchema },
    },
  };
}
