import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/errors.js';
import type { PaymentsApi, PaymentView } from '../contract/payments.api.js';
import { paymentsOperations } from '../contract/payments.operations.js';
import { CHARGE_PAYMENT, REFUND_PAYMENT } from '../payments.tokens.js';
import type { ChargePaymentHandler } from './charge-payment.handler.js';
import { parseInput } from './parse-input.js';
import { toPaymentView } from './payment-mapping.js';
import { PAYMENTS_REPOSITORY, type PaymentsRepository } from './ports/payments.repository.port.js';
import type { RefundPaymentHandler } from './refund-payment.handler.js';

type Input<K extends keyof PaymentsApi> = Parameters<PaymentsApi[K]>[0];

/** The payments contract as other modules call it (in-process, or through the HTTP adapter). */
@injectable()
export class PaymentsFacade implements PaymentsApi {
  constructor(
    @inject(CHARGE_PAYMENT) private readonly charging: ChargePaymentHandler,
    @inject(REFUND_PAYMENT) private readonly refunding: RefundPaymentHandler,
    @inject(PAYMENTS_REPOSITORY) private readonly payments: PaymentsRepository,
  ) {}

  async charge(input: Input<'charge'>): Promise<PaymentView> {
    return toPaymentView(await this.charging.execute(parseInput(paymentsOperations.charge.input, input)));
  }

  async findCharge(input: Input<'findCharge'>): Promise<PaymentView | null> {
    const { idempotencyKey } = parseInput(paymentsOperations.findCharge.input, input);
    const payment = await this.payments.findByIdempotencyKey(idempotencyKey);
    return payment ? toPaymentView(payment) : null;
  }

  async refund(input: Input<'refund'>): Promise<PaymentView> {
    const { paymentId } = parseInput(paymentsOperations.refund.input, input);
    return toPaymentView(await this.refunding.execute(paymentId));
  }

  async getPayment(input: Input<'getPayment'>): Promise<PaymentView> {
    const { id } = parseInput(paymentsOperations.getPayment.input, input);
    const payment = await this.payments.findById(id);
    if (!payment) throw new AppError('not_found', `There is no payment ${id}`);
    return toPaymentView(payment);
  }
}
