import type { InjectionToken } from 'tsyringe';
import type { Payment } from '../domain/payment.js';
import { SingleFlight } from './single-flight.js';

/**
 * The charges and refunds running in this process, by idempotency key and payment id. The use
 * cases are built afresh per call, so the flights they join live here, one per module container.
 */
export class InFlightPayments {
  readonly charges = new SingleFlight<Payment>();
  readonly refunds = new SingleFlight<Payment>();
}

export const IN_FLIGHT_PAYMENTS: InjectionToken<InFlightPayments> = Symbol('IN_FLIGHT_PAYMENTS');
