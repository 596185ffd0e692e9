import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/kernel/errors.js';
import { PAYMENTS_ERRORS } from '../../payments/contract/payments.contract.js';
import { IN_PROGRESS, orInProgress } from './dependency-outcome.js';

describe('orInProgress', () => {
  it('reads "still in progress" as an answer, not a failure, and passes everything else on', async () => {
    await expect(orInProgress(Promise.resolve('captured'))).resolves.toBe('captured');
    const inProgress = new AppError(PAYMENTS_ERRORS.idempotency_key_in_use, 'the charge is at the provider');
    await expect(orInProgress(Promise.reject(inProgress))).resolves.toBe(IN_PROGRESS);
    const down = new AppError('service_unavailable', 'payments unreachable');
    await expect(orInProgress(Promise.reject(down))).rejects.toBe(down);
  });
});
