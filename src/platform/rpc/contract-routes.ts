import { z } from 'zod';
import { defineRoute, type AnyRoute } from '../http/route.js';
import type { Contract } from './contract.js';

export const operationPath = (module: string, operation: string) => `/internal/${module}/${operation}`;

/** Serves every operation of a contract over HTTP for remote callers (service token required). */
export function contractRoutes(contract: Contract): AnyRoute[] {
  return Object.entries(contract.operations).map(([name, operation]) =>
    defineRoute({
      method: 'post',
      path: operationPath(contract.module, name),
      summary: `${contract.module}.${name} (internal)`,
      tags: ['internal'],
      access: 'internal',
      body: z.object({ input: operation.input }),
      responses: { 200: z.object({ output: operation.output }) },
      async handler({ body, container }) {
        const api = container.resolve(contract.token) as Record<string, (input: unknown) => Promise<unknown>>;
        return { status: 200, body: { output: await api[name](body.input) } };
      },
    }),
  );
}
