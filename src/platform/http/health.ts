import { Router } from 'express';
import type { ContractVersions } from '../kernel/contract.js';
import type { HealthCheck } from '../kernel/health-check.js';

const CHECK_TIMEOUT_MS = 2000;

const withTimeout = <T>(promise: Promise<T>): Promise<T> =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref(),
    ),
  ]);

/** Liveness and readiness; both state the process's contract versions, so a gateway probe or a console learns them. */
export function healthRouter(
  checks: HealthCheck[],
  isShuttingDown: () => boolean,
  contracts?: ContractVersions,
): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok', ...(contracts ? { contracts } : {}) });
  });
  router.get('/health/ready', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          const details = await withTimeout(check());
          return [name, { status: 'ok', ...details }] as const;
        } catch (error) {
          return [name, { status: 'failing', error: (error as Error).message }] as const;
        }
      }),
    );
    if (isShuttingDown()) results.push(['process', { status: 'failing', error: 'shutting down' }]);
    const healthy = results.every(([, result]) => result.status === 'ok');
    res.status(healthy ? 200 : 503).json({
      status: healthy ? 'ok' : 'failing',
      checks: Object.fromEntries(results),
      ...(contracts ? { contracts } : {}),
    });
  });
  return router;
}
