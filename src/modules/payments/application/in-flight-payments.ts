import type { InjectionToken } from 'tsyringe';
import type { Payment } from '../domain/payment.js';
import { SingleFlight } from './single-flight.js';

/**
 * The refunds running in this process, by payment id. The use cases are built afresh per call, so
 * the flights they join live here, one per module container. (Charges need more than this process
 * can know: their claims are in the database, see ChargePaymentHandler.)
 */
export class InFlightPayments {
  readonly refunds = new SingleFlight<Payment>();
}

export const IN_FLIGHT_PAYMENTS: InjectionToken<InFlightPayments> = Symbol('IN_FLIGHT_PAYMENTS');
