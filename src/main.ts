import 'reflect-metadata';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig, type Config } from './platform/kernel/config.js';
import type { Host } from './platform/process/host.js';
import { exitGracefullyOnSignals } from './platform/kernel/lifecycle.js';
import { createLogger, type Logger } from './platform/kernel/logger.js';
import type { ModuleDefinition } from './platform/kernel/module.js';
import catalog from './modules/catalog/index.js';
import notifications from './modules/notifications/index.js';
import orders from './modules/orders/index.js';
import payments from './modules/payments/index.js';
import users from './modules/users/index.js';

/** Every module of the shop. A process hosts the subset named by MODULES and reaches the rest over HTTP. */
export const MODULES: ModuleDefinition[] = [users, catalog, orders, payments, notifications];

/** The platform's configuration with every module's settings, from the environment (a mistake throws a ConfigError). */
export const loadShopConfig = (env: NodeJS.ProcessEnv = process.env): Config => loadConfig(env, MODULES);

/** Starts this process as configured: some or all modules, or the gateway in front of them. */
export async function startShop(config: Config, logger?: Logger): Promise<Pick<Host, 'url' | 'port' | 'stop'>> {
  // Only the role this process plays is loaded: a module host never loads the gateway, nor the reverse.
  if (config.gateway) return (await import('./platform/gateway/gateway.js')).startGateway(config, MODULES, logger);
  return (await import('./platform/process/host.js')).startHost(config, MODULES, logger);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadShopConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config.logLevel);
  try {
    const shop = await startShop(config, logger);
    exitGracefullyOnSignals(() => shop.stop(), logger);
  } catch (error) {
    const message = error instanceof ConfigError ? error.message : `Startup failed: ${(error as Error).message}`;
    // A configuration mistake is the operator's, not a crash: the one stderr line says it all.
    if (!(error instanceof ConfigError)) logger.fatal({ err: error }, 'startup failed');
    logger.flush(() => {
      process.stderr.write(`${message.split('\n')[0]}\n`);
      process.exit(1);
    });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
