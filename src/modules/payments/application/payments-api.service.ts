import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import type { PaymentsApi, PaymentView } from '../contract/payments.contract.js';
import { ChargePaymentHandler, chargeInProgress } from './charge-payment.handler.js';
import { toPaymentView } from './payment-mapping.js';
import { PAYMENTS_REPOSITORY, type PaymentsRepository } from './ports/payments.repository.port.js';
import { RefundPaymentHandler } from './refund-payment.handler.js';

type Input<K extends keyof PaymentsApi> = Parameters<PaymentsApi[K]>[0];

/**
 * The payments contract as other modules call it (in-process, or through the HTTP adapter). The
 * host validates every input against the contract schemas before it reaches this class.
 */
@injectable()
export class PaymentsApiService implements PaymentsApi {
  constructor(
    @inject(ChargePaymentHandler) private readonly charging: ChargePaymentHandler,
    @inject(RefundPaymentHandler) private readonly refunding: RefundPaymentHandler,
    @inject(PAYMENTS_REPOSITORY) private readonly payments: PaymentsRepository,
  ) {}

  async charge(input: Input<'charge'>): Promise<PaymentView> {
    return toPaymentView(await this.charging.execute(input));
  }

  async findCharge({ idempotencyKey }: Input<'findCharge'>): Promise<PaymentView | null> {
    // The claim first: a charge that ends between the two reads is then on record for the second.
    const charging = await this.payments.isCharging(idempotencyKey, Date.now());
    const payment = await this.payments.findByIdempotencyKey(idempotencyKey);
    if (payment) return toPaymentView(payment);
    // "No charge" would be a guess while one is at the provider: it may yet be captured.
    if (charging) throw chargeInProgress(idempotencyKey);
    return null;
  }

  async refund({ paymentId }: Input<'refund'>): Promise<PaymentView> {
    return toPaymentView(await this.refunding.execute(paymentId));
  }

  async getPayment({ id }: Input<'getPayment'>): Promise<PaymentView> {
    const payment = await this.payments.findById(id);
    if (!payment) throw new AppError('not_found', `There is no payment ${id}`);
    return toPaymentView(payment);
  }
}
