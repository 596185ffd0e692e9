import { Router, type Request, type Response } from 'express';
import type { DependencyContainer } from 'tsyringe';
import { AppError } from '../kernel/errors.js';
import { asModule } from '../telemetry/spans.js';
import type { AccessTokenVerifier } from '../kernel/principal.js';
import { authenticate, type ServiceTokenVerifier } from './auth.js';
import type { Bulkhead } from '../resilience/bulkhead.js';
import { assertBudgetLeft } from '../resilience/time-budget.js';
import type { AnyRoute } from '../kernel/route.js';
import { validate } from './validation.js';

export interface MountOptions {
  /** The module whose routes these are: the request's span and the work below it are its. */
  module: string;
  container: DependencyContainer;
  /** Resolved per request: the verifier may live in another module's registration. */
  accessTokenVerifier: () => AccessTokenVerifier | undefined;
  serviceTokenVerifier?: ServiceTokenVerifier;
  /** The module's share of a process hosting several modules: its routes run under this limit. */
  bulkhead?: Bulkhead;
}

function readBody(route: AnyRoute, req: Request): unknown {
  if (!route.body) return undefined;
  if (req.body === undefined) {
    throw new AppError('validation_failed', 'Send a JSON body with Content-Type: application/json', {
      errors: [{ path: '', message: 'a JSON body is required' }],
    });
  }
  return validate(route.body, req.body, 'body');
}

/**
 * Mounts declared routes: authenticate, validate params/query/headers/body, call the handler, under
 * the module's bulkhead; a request whose time budget is already spent is refused before any of it.
 */
export function mountRoutes(router: Router, routes: AnyRoute[], options: MountOptions): void {
  const { bulkhead } = options;
  for (const route of routes) {
    const handle = async (req: Request, res: Response) => {
      const principal = await authenticate(
        route.access,
        req.header('authorization'),
        options.accessTokenVerifier(),
        req.header('x-internal-token'),
        options.serviceTokenVerifier,
      );
      const params = route.params ? validate(route.params, req.params, 'params') : undefined;
      const query = route.query ? validate(route.query, req.query, 'query') : undefined;
      if (route.headers) validate(route.headers, req.headers, 'headers');
      const body = readBody(route, req);
      const result = await asModule(options.module, () =>
        route.handler({
          params,
          query,
          body,
          principal,
          header: (name) => req.header(name),
          ip: req.ip ?? '',
          container: options.container,
        }),
      );
      if (result.headers) res.set(result.headers);
      if (result.body === undefined) res.status(result.status).end();
      else res.status(result.status).json(result.body);
    };
    router[route.method](route.path, (req: Request, res: Response) => {
      assertBudgetLeft();
      return bulkhead ? bulkhead.run(() => handle(req, res)) : handle(req, res);
    });
  }
}

/** One router for all hosted modules, each with its own container. */
export function routerFor(mounts: { routes: AnyRoute[]; options: MountOptions }[]): Router {
  const router = Router();
  for (const { routes, options } of mounts) mountRoutes(router, routes, options);
  return router;
}
