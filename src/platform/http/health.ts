import { Router } from 'express';

/** A readiness check: resolves when its dependency is usable, rejects with the reason otherwise. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2000;

const withTimeout = (promise: Promise<void>): Promise<void> =>
  Promise.race([
    promise,
    new Promise<void>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS).unref(),
    ),
  ]);

export function healthRouter(checks: HealthCheck[], isShuttingDown: () => boolean): Router {
  const router = Router();
  router.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/health/ready', async (_req, res) => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check());
          return [name, { status: 'ok' }] as const;
        } catch (error) {
          return [name, { status: 'failing', error: (error as Error).message }] as const;
        }
      }),
    );
    if (isShuttingDown()) results.push(['process', { status: 'failing', error: 'shutting down' }]);
    const healthy = results.every(([, result]) => result.status === 'ok');
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'failing', checks: Object.fromEntries(results) });
  });
  return router;
}
