import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import { PAYMENT_REFUNDED } from '../contract/payments.events.js';
import { refundDecision, type Payment } from '../domain/payment.js';
import { IN_FLIGHT_PAYMENTS, type InFlightPayments } from './in-flight-payments.js';
import { toEventPayload } from './payment-mapping.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './ports/payment-provider.port.js';
import { PAYMENTS_REPOSITORY, type PaymentsRepository } from './ports/payments.repository.port.js';

/**
 * Refunds a captured payment, idempotently: the provider refund carries a reference derived from
 * the payment, and only the caller whose conditional update moves the row from captured to
 * refunded records payment.refunded, so two refunds give one refund and one event.
 */
@injectable()
export class RefundPaymentHandler {
  constructor(
    @inject(IN_FLIGHT_PAYMENTS) private readonly inFlight: InFlightPayments,
    @inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    @inject(PAYMENTS_REPOSITORY) private readonly payments: PaymentsRepository,
  ) {}

  execute(paymentId: string): Promise<Payment> {
    return this.inFlight.refunds.run(paymentId, () => this.refund(paymentId));
  }

  private async refund(paymentId: string): Promise<Payment> {
    const payment = await this.payments.findById(paymentId);
    if (!payment) throw new AppError('not_found', `There is no payment ${paymentId}`);
    const decision = refundDecision(payment.status);
    if (decision === 'already_refunded') return payment;
    if (decision === 'not_refundable')
      throw new AppError('invalid_state', `Payment ${paymentId} was declined; there is nothing to refund`);

    const { providerReference, amountCents, currency } = payment;
    await this.provider.refund({ providerReference, amountCents, currency, reference: `refund:${payment.id}` });
    const at = new Date().toISOString();
    const won = await this.payments.markRefunded(payment.id, at, [
      { event: PAYMENT_REFUNDED, payload: toEventPayload(payment) },
    ]);
    if (won) return { ...payment, status: 'refunded', updatedAt: at };
    // Another process refunded it between our read and our update: report its result.
    return (await this.payments.findById(payment.id)) ?? payment;
  }
}
