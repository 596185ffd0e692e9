import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import type { Logger } from '../../../platform/kernel/logger.js';
import { LOGGER } from '../../../platform/kernel/tokens.js';
import { STILL_RUNNING, untilCallerGivesUp } from '../../../platform/kernel/deadline.js';
import { PAYMENTS_ERRORS, type PaymentsApi } from '../contract/payments.contract.js';
import { PAYMENT_CAPTURED } from '../contract/payments.events.js';
import type { Payment } from '../domain/payment.js';
import { toEventPayload } from './payment-mapping.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './ports/payment-provider.port.js';
import { PAYMENTS_REPOSITORY, type ChargeClaim, type PaymentsRepository } from './ports/payments.repository.port.js';

/** The contract's charge input (the host has validated it). */
export type ChargeCommand = Parameters<PaymentsApi['charge']>[0];

/**
 * How long a claim vouches for its charge still being at the provider. Longer than a provider call
 * takes (the simulated one: 10 s at most); once it runs out (its process died, or the call hung),
 * the next charge with the key calls the provider again, which is safe since it is idempotent by
 * reference.
 */
const CLAIM_MS = 15_000;

/** The key's charge is at the provider: the caller asks again later (not a failure of payments). */
export const chargeInProgress = (idempotencyKey: string): AppError =>
  new AppError(
    PAYMENTS_ERRORS.idempotency_key_in_use,
    `The charge ${idempotencyKey} is still in progress at the provider`,
  );

/**
 * Charges once per idempotency key, and never makes a caller wait twice for the provider: a key
 * with an outcome is answered from the record; a key whose charge is at the provider (claimed, in
 * this instance or another) is answered "in progress" at once; otherwise the key is claimed and
 * the provider called. That call is waited for only while the answer can still reach the caller
 * in time; past that the caller is told "in progress" and the outcome is recorded when it comes,
 * for the caller's next try to find.
 */
@injectable()
export class ChargePaymentHandler {
  constructor(
    @inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    @inject(PAYMENTS_REPOSITORY) private readonly payments: PaymentsRepository,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(command: ChargeCommand): Promise<Payment> {
    const { idempotencyKey } = command;
    const claim = { idempotencyKey, owner: randomUUID(), until: Date.now() + CLAIM_MS };
    const claimed = await this.payments.claimCharge(claim, Date.now());
    // Read after claiming: a charge that ended before the claim (its claim gone) is on record by now.
    const recorded = await this.payments.findByIdempotencyKey(idempotencyKey);
    if (recorded) {
      if (claimed) await this.payments.releaseCharge(claim);
      return recorded;
    }
    if (!claimed) throw chargeInProgress(idempotencyKey);
    const charging = this.charge(command, claim);
    const answer = await untilCallerGivesUp(charging);
    if (answer !== STILL_RUNNING) return answer;
    charging.catch((error: unknown) =>
      this.logger.warn(
        { err: error, idempotencyKey },
        'a charge answered "in progress" failed; the next try repeats it',
      ),
    );
    throw chargeInProgress(idempotencyKey);
  }

  private async charge(command: ChargeCommand, claim: ChargeClaim): Promise<Payment> {
    const { amountCents, currency, token, idempotencyKey } = command;
    const request = { amountCents, currency, token, reference: idempotencyKey };
    const result = await this.provider.authorizeAndCapture(request).catch(async (error: unknown) => {
      // Nothing was decided: free the key so that the next try calls the provider again at once.
      await this.payments.releaseCharge(claim);
      throw error;
    });
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
    return this.payments.insertOnce(payment, events, claim);
  }
}
