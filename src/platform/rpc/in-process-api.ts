import { validate } from '../http/validation.js';
import { awayFromHeldSlot, type Bulkhead } from '../resilience/bulkhead.js';
import { withinBudget } from '../resilience/time-budget.js';
import type { ApiOf, Contract, OperationManifest } from '../kernel/contract.js';

/**
 * A module's own implementation of its contract as other modules in this process call it: every
 * input is parsed with the contract's schema first, exactly as the HTTP client does before a remote
 * call, so a bad call is the same 400 `validation_failed` whichever way it travels, and the
 * implementation only ever sees valid, normalised input. Like a remote call, it runs under the
 * owning module's bulkhead (the caller's place is given up meanwhile) and is waited for no longer
 * than the request's time budget.
 */
export function inProcessApi<M extends OperationManifest>(
  contract: Contract<M>,
  implementation: ApiOf<M>,
  bulkhead?: Bulkhead,
): ApiOf<M> {
  const own = implementation as Record<string, (input: unknown) => Promise<unknown>>;
  const api: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [name, operation] of Object.entries(contract.operations)) {
    api[name] = async (input) => {
      const valid = validate(operation.input, input, 'body');
      const work = () => withinBudget(() => own[name].call(implementation, valid));
      return bulkhead ? awayFromHeldSlot(() => bulkhead.run(work)) : work();
    };
  }
  return api as ApiOf<M>;
}
