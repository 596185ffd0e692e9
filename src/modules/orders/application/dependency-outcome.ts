import { AppError } from '../../../platform/kernel/errors.js';
import type { CatalogErrorCode } from '../../catalog/contract/catalog.contract.js';
import type { PaymentsErrorCode } from '../../payments/contract/payments.contract.js';

/**
 * True when another module answered with this error code, i.e. a definite outcome. Anything else
 * (503, a timeout, an open circuit, an unexpected exception) leaves the outcome unknown: the saga
 * must then assume the call may have taken effect. In-process and remote calls are treated alike.
 */
export const isAnswer = (error: unknown, ...codes: (CatalogErrorCode | PaymentsErrorCode)[]): error is AppError =>
  error instanceof AppError && error.status < 500 && codes.some((code) => code === error.code);

/** The one way a saga step says "the other side gave no definite answer; assume it may have acted". */
export const UNKNOWN = Symbol('outcome unknown');
export type Unknown = typeof UNKNOWN;

/**
 * The other side answered that it is still at it (payments: the charge is at a slow card provider):
 * no outcome yet, as with UNKNOWN, but no failure either, and the outcome is seconds away.
 */
export const IN_PROGRESS = Symbol('in progress');
export type InProgress = typeof IN_PROGRESS;

/** `call`'s answer, or IN_PROGRESS when the other side says it is still working on it. */
export const orInProgress = <T>(call: Promise<T>): Promise<T | InProgress> =>
  call.catch((error: unknown) => {
    if (isAnswer(error, 'idempotency_key_in_use')) return IN_PROGRESS;
    throw error;
  });
