import type { DependencyContainer } from 'tsyringe';
import type { z } from 'zod';
import type { Access, Principal } from './principal.js';

type Schema = z.ZodType;
type Infer<S> = S extends Schema ? z.output<S> : undefined;

export interface RouteRequest<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Set for every route whose access is not `public` (and for public ones when a valid token was sent). */
  principal: Principal | undefined;
  header(name: string): string | undefined;
  /** The client's address as express sees it (`req.ip`), e.g. for per-address throttling. */
  ip: string;
  /** The owning module's container: handlers resolve their use case from it. */
  container: DependencyContainer;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A route declared once: validation, auth, the OpenAPI document and the gateway's routing table
 * are all derived from this object, so they cannot drift apart.
 */
export interface RouteDefinition<
  P extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  B extends Schema | undefined = Schema | undefined,
> {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Express-style path, e.g. `/api/v1/products/:id`. */
  path: string;
  summary: string;
  tags: string[];
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** Largest request body accepted, in bytes, when a route needs more than the API's 100 kB. */
  bodyLimit?: number;
  /** Request headers documented and validated (case-insensitive names, lower-case here). */
  headers?: Schema;
  /** Status → response body schema (null: no body). Problem responses are added automatically. */
  responses: Record<number, Schema | null>;
  handler(request: RouteRequest<Infer<P>, Infer<Q>, Infer<B>>): Promise<RouteResponse> | RouteResponse;
}

export type AnyRoute = RouteDefinition<Schema | undefined, Schema | undefined, Schema | undefined>;

export const defineRoute = <
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(
  route: RouteDefinition<P, Q, B>,
): AnyRoute => route as unknown as AnyRoute;
