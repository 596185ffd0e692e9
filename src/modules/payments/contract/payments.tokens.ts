import type { InjectionToken } from 'tsyringe';
import type { PaymentsApi } from './payments.api.js';

export const PAYMENTS_API: InjectionToken<PaymentsApi> = Symbol('PAYMENTS_API');
