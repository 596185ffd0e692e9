import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import { canView, type Payment, type Viewer } from '../domain/payment.js';
import { PAYMENTS_REPOSITORY, type PaymentsRepository } from './ports/payments.repository.port.js';

/** A payment as its payer or an admin may see it; for anyone else it does not exist (404, not 403). */
@injectable()
export class ViewPaymentHandler {
  constructor(@inject(PAYMENTS_REPOSITORY) private readonly payments: PaymentsRepository) {}

  async execute(id: string, viewer: Viewer): Promise<Payment> {
    const payment = await this.payments.findById(id);
    if (!payment || !canView(payment, viewer)) throw new AppError('not_found', `There is no payment ${id}`);
    return payment;
  }
}
