import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { AccessTokenVerifier } from '../kernel/principal.js';
import { routerFor } from '../http/mount.js';
import type { AnyRoute } from '../kernel/route.js';
import type { ServiceTokens } from '../rpc/service-token.js';
import { ConsoleService, type ConsoleServiceOptions } from './console-service.js';
import { addConsolePage, type ConsoleRouter } from './console-page.js';
import { consoleRoutes, internalConsoleRoutes } from './console.routes.js';
import { PeerClient } from './peer-client.js';
import type { QueueDepthReader } from './queue-depths.js';

export interface AdminConsoleOptions extends Omit<ConsoleServiceOptions, 'peers' | 'queues'> {
  /** `shop.module` of the console's own work (the process's module, or `gateway`). */
  processModule: string;
  /** Where route handlers resolve from; the console's own need nothing from it. */
  container?: DependencyContainer;
  accessTokenVerifier(): AccessTokenVerifier | undefined;
  /** Sign the gateway's reads of other processes, and check theirs (split mode). */
  serviceTokens?: ServiceTokens;
  /** The queues of the hosted modules that consume events (none with the in-process bus); closed with the console. */
  queues?: QueueDepthReader;
}

export interface AdminConsole {
  /** The documented admin routes, for the OpenAPI document. */
  routes: AnyRoute[];
  /** The page, its assets, the admin routes and the internal routes the gateway reads. */
  router: ConsoleRouter;
  close(): Promise<void>;
}

/** The admin console of one process (API.md "The console"); the gateway's gathers every process's. */
export function createAdminConsole(options: AdminConsoleOptions): AdminConsole {
  const { queues } = options;
  const service = new ConsoleService({ ...options, peers: new PeerClient(options.serviceTokens), queues });
  const routes = consoleRoutes(service);
  const router = routerFor([
    {
      routes: [...routes, ...internalConsoleRoutes(service)],
      options: {
        module: options.processModule,
        container: options.container ?? rootContainer,
        accessTokenVerifier: options.accessTokenVerifier,
        // The gateway reads a process's console as one of the modules it hosts (the gateway's: as itself).
        serviceTokenVerifier: options.serviceTokens?.verifierFor(
          options.hostedModules.length > 0 ? options.hostedModules : options.processModule,
        ),
      },
    },
  ]);
  addConsolePage(router);
  return { routes, router, close: async () => queues?.close() };
}
