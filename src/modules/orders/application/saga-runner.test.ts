import { describe, expect, it } from 'vitest';
import type { Order } from '../domain/order.js';
import type { CheckoutMetrics } from './ports/checkout-metrics.port.js';
import type { SagaRun } from './saga-run.js';
import { SagaRunner, type CompensatedStep, type SagaStep } from './saga-runner.js';

describe('saga runner', () => {
  it('times every run of a table’s steps by step and outcome, and leaves compensations as declared', async () => {
    const observed: string[] = [];
    const metrics: CheckoutMetrics = {
      checkoutAnswered: () => undefined,
      replayed: () => undefined,
      sagaStepTook: (step, outcome, seconds) => void observed.push(`${step}:${outcome}:${seconds >= 0}`),
    };
    const undone: string[] = [];
    const steps = new SagaRunner(metrics).traced<{
      double: CompensatedStep<[n: number], number, []>;
      explode: SagaStep<[], never>;
    }>({
      double: { name: 'double', run: async (_run, n) => n * 2, compensate: async ({ order }) => undone.push(order.id) },
      explode: { name: 'explode', run: () => Promise.reject(new Error('boom')) },
    });
    const run: SagaRun = { order: { id: 'o-1' } as Order, owner: 'me' };

    expect(await steps.double.run(run, 21)).toBe(42);
    await expect(steps.explode.run(run)).rejects.toThrow('boom');
    await steps.double.compensate(run);
    expect(observed).toEqual(['double:ok:true', 'explode:error:true']);
    expect(undone).toEqual(['o-1']);
  });
});
