import type { z } from 'zod';
import type { ApiOf } from '../../../platform/rpc/contract.js';
import type { paymentView, paymentsOperations } from './payments.operations.js';

/** The simulated card provider's facade, as the orders module uses it. */
export type PaymentsApi = ApiOf<typeof paymentsOperations>;
export type PaymentView = z.output<typeof paymentView>;
