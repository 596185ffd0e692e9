import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { PaymentsApi } from '../contract/payments.contract.js';
import { PAYMENT_CAPTURED } from '../contract/payments.events.js';
import type { Payment } from '../domain/payment.js';
import { IN_FLIGHT_PAYMENTS, type InFlightPayments } from './in-flight-payments.js';
import { toEventPayload } from './payment-mapping.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './ports/payment-provider.port.js';
import { PAYMENTS_REPOSITORY, type PaymentsRepository } from './ports/payments.repository.port.js';

/** The contract's charge input (the host has validated it). */
export type ChargeCommand = Parameters<PaymentsApi['charge']>[0];

/**
 * Charges once per idempotency key. On the checkout hot path, so it does not look the key up first:
 * the provider is idempotent by reference, and the insert (one transaction with its event) yields
 * to an existing payment with the same key through the unique constraint.
 */
@injectable()
export class ChargePaymentHandler {
  constructor(
    @inject(IN_FLIGHT_PAYMENTS) private readonly inFlight: InFlightPayments,
    @inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    @inject(PAYMENTS_REPOSITORY) private readonly payments: PaymentsRepository,
  ) {}

  execute(command: ChargeCommand): Promise<Payment> {
    return this.inFlight.charges.run(command.idempotencyKey, () => this.charge(command));
  }

  private async charge(command: ChargeCommand): Promise<Payment> {
    const { amountCents, currency, token, idempotencyKey } = command;
    const result = await this.provider.authorizeAndCapture({ amountCents, currency, token, reference: idempotencyKey });
    const now = new Date().toISOString();
    const payment: Payment = {
      id: randomUUID(),
      idempotencyKey,
      orderId: command.orderId,
      userId: command.userId,
      amountCents,
      currency,
      status: result.approved ? 'captured' : 'declined',
      providerReference: result.providerReference,
      declineReason: result.approved ? null : (result.declineReason ?? 'declined'),
      createdAt: now,
      updatedAt: now,
    };
    const events = result.approved ? [{ event: PAYMENT_CAPTURED, payload: toEventPayload(payment) }] : [];
    return this.payments.insertOnce(payment, events);
  }
}
