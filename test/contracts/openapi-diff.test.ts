import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { comparePublicApi, passes } from '../../tools/contracts/compare.js';
import type { OpenApiDocument } from '../../tools/contracts/openapi-diff.js';
import { buildOpenApiDocument } from '../../src/platform/http/openapi.js';
import { defineRoute, type AnyRoute } from '../../src/platform/kernel/route.js';
import type { Access } from '../../src/platform/kernel/principal.js';

const product = z.object({ id: z.string(), name: z.string(), stock: z.number().int() });
const listQuery = z.object({ limit: z.coerce.number().int().max(100).optional() });

/** Two fixture routes, with whatever each test changes. */
function api(changes: { query?: z.ZodType; body?: z.ZodType; response?: z.ZodType; access?: Access; drop?: boolean }) {
  const routes: AnyRoute[] = [
    defineRoute({
      method: 'get',
      path: '/api/v1/products',
      summary: 'List products',
      tags: ['catalog'],
      access: changes.access ?? 'public',
      query: changes.query ?? listQuery,
      responses: { 200: z.object({ items: z.array(changes.response ?? product) }) },
      handler: () => ({ status: 200 }),
    }),
  ];
  if (!changes.drop)
    routes.push(
      defineRoute({
        method: 'post',
        path: '/api/v1/products',
        summary: 'Create a product',
        tags: ['catalog'],
        access: 'admin',
        body: changes.body ?? z.object({ name: z.string(), stock: z.number().int().optional() }),
        responses: { 201: product },
        handler: () => ({ status: 201 }),
      }),
    );
  return buildOpenApiDocument(routes) as OpenApiDocument;
}

const breaks = (after: OpenApiDocument) => comparePublicApi(api({}), after).breaks;

describe('contracts:check on the public OpenAPI document', () => {
  it('passes the same document', () => {
    expect(comparePublicApi(api({}), api({}))).toMatchObject({ breaks: [], changed: false });
  });

  it('fails on a removed endpoint', () => {
    expect(breaks(api({ drop: true }))).toEqual(['API POST /api/v1/products: endpoint removed']);
  });

  it('fails on a new required query parameter, and passes a new optional one', () => {
    expect(breaks(api({ query: listQuery.extend({ category: z.string() }) }))).toEqual([
      'API GET /api/v1/products query parameter category: new and required',
    ]);
    expect(breaks(api({ query: listQuery.extend({ category: z.string().optional() }) }))).toEqual([]);
  });

  it('fails on a parameter narrowed', () => {
    expect(breaks(api({ query: z.object({ limit: z.coerce.number().int().max(20).optional() }) }))).toEqual([
      'API GET /api/v1/products query parameter limit: maximum tightened from 100 to 20',
    ]);
  });

  it('fails on a request body field made required', () => {
    expect(breaks(api({ body: z.object({ name: z.string(), stock: z.number().int() }) }))).toEqual([
      'API POST /api/v1/products request body: stock made required',
    ]);
  });

  it('fails on a response field removed, and passes a response field added', () => {
    expect(breaks(api({ response: product.omit({ stock: true }) }))).toEqual([
      'API GET /api/v1/products response 200: items[].stock removed',
    ]);
    expect(breaks(api({ response: product.extend({ sku: z.string() }) }))).toEqual([]);
  });

  it('fails when a public endpoint starts asking for a token', () => {
    expect(breaks(api({ access: 'user' }))).toEqual(['API GET /api/v1/products security: now requires a token']);
  });

  it('passes an incompatible change once info.version has a new major', () => {
    const after = { ...api({ drop: true }), info: { version: '2.0.0' } };
    const verdict = comparePublicApi(api({}), after);
    expect(verdict.breaks).toHaveLength(1);
    expect(passes(verdict)).toBe(true);
  });
});
