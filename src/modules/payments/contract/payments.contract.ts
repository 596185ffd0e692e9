import { defineContract } from '../../../platform/rpc/contract.js';
import { PAYMENTS_ERRORS } from './payments.errors.js';
import { paymentsOperations } from './payments.operations.js';
import { PAYMENTS_API } from './payments.tokens.js';

/** What the host needs to serve this module's API to other processes, or to call it remotely. */
export const paymentsContract = defineContract('payments', PAYMENTS_API, paymentsOperations, PAYMENTS_ERRORS);
