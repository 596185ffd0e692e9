import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { AccessTokenVerifier } from '../kernel/principal.js';
import { routerFor } from '../http/mount.js';
import type { AnyRoute } from '../kernel/route.js';
import type { BullmqConnection } from '../events/bullmq-options.js';
import type { ServiceTokens } from '../rpc/service-token.js';
import { ConsoleService, type ConsoleServiceOptions } from './console-service.js';
import { addConsolePage, type ConsoleRouter } from './console-page.js';
import { consoleRoutes, internalConsoleRoutes } from './console.routes.js';
import { PeerClient } from './peer-client.js';
import { QueueDepths } from './queue-depths.js';

export interface AdminConsoleOptions extends Omit<ConsoleServiceOptions, 'peers' | 'queues'> {
  /** `shop.module` of the console's own work (the process's module, or `gateway`). */
  processModule: string;
  /** Where route handlers resolve from; the console's own need nothing from it. */
  container?: DependencyContainer;
  accessTokenVerifier(): AccessTokenVerifier | undefined;
  /** Sign the gateway's reads of other processes, and check theirs (split mode). */
  serviceTokens?: ServiceTokens;
  /** With the BullMQ bus: where its queues are, and the hosted modules that consume from one. */
  bullmq?: BullmqConnection & { consumers: string[] };
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
  const { bullmq } = options;
  const queues = bullmq && bullmq.consumers.length > 0 ? new QueueDepths(bullmq, bullmq.consumers) : undefined;
  const service = new ConsoleService({ ...options, peers: new PeerClient(options.serviceTokens), queues });
  const routes = consoleRoutes(service);
  const router = routerFor([
    {
      routes: [...routes, ...internalConsoleRoutes(service)],
      options: {
        module: options.processModule,
        container: options.container ?? rootContainer,
        accessTokenVerifier: options.accessTokenVerifier,
        serviceTokenVerifier: options.serviceTokens,
      },
    },
  ]);
  addConsolePage(router);
  return { routes, router, close: async () => queues?.close() };
}
