import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { Logger } from '../../../platform/kernel/logger.js';
import { LOGGER } from '../../../platform/kernel/tokens.js';
import { chargeDeadline } from '../domain/checkout-policy.js';
import { ORDERS_SETTINGS, type OrdersSettings } from '../orders.settings.js';
import { CheckoutSaga } from './checkout-saga.js';
import { ORDERS_REPOSITORY, type DueOrder, type OrdersRepository } from './ports/orders-repository.port.js';
import { IN_PROGRESS, UNKNOWN } from './dependency-outcome.js';
import { LIVE_CHECKOUTS, type LiveCheckouts } from './live-checkouts.js';
import type { SagaResult, SagaRun } from './saga-run.js';

const BATCH = 50;

/**
 * One pass of the saga recovery: every unfinished order whose lease ran out (its driver died, or it
 * was deferred until a retry) and whose request is not still running in this process is claimed by
 * a conditional update, so only one instance drives it,
 * and driven to its end or to its next retry:
 * - `pending` (interrupted): the charge is looked up by key and settled; none means release + fail;
 * - `payment_pending`: charged again under the same key while the reservation can still be
 *   committed, afterwards only looked up and settled;
 * - `cancelling`: refund and restock are finished.
 */
@injectable()
export class RecoverCheckoutsHandler {
  constructor(
    @inject(CheckoutSaga) private readonly saga: CheckoutSaga,
    @inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository,
    @inject(ORDERS_SETTINGS) private readonly config: OrdersSettings,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(LIVE_CHECKOUTS) private readonly live: LiveCheckouts,
  ) {}

  /** Resolves how many orders this pass drove. */
  async execute(): Promise<number> {
    let total = 0;
    for (;;) {
      const due = await this.orders.findDue(Date.now(), BATCH);
      const driven = (await Promise.all(due.map((candidate) => this.recover(candidate)))).filter(Boolean).length;
      total += driven;
      if (due.length < BATCH || driven === 0) return total;
    }
  }

  private async recover(due: DueOrder): Promise<boolean> {
    // A slow checkout still running here keeps its order, whatever its lease says.
    if (this.live.isLive(due.id)) return false;
    const owner = randomUUID();
    const order = await this.orders.claim(due, { owner, until: Date.now() + this.config.sagaRecoveryAfterMs });
    if (!order) return false;
    try {
      const { order: after } = await this.drive({ order, owner });
      this.logger.info(
        { orderId: order.id, from: order.status, to: after.status, attempts: after.attempts },
        'checkout recovery drove an order',
      );
    } catch (error) {
      // Its lease runs out and a later pass tries again.
      this.logger.error({ orderId: order.id, err: error }, 'checkout recovery failed');
    }
    return true;
  }

  private async drive(run: SagaRun): Promise<SagaResult> {
    const { order } = run;
    const { steps } = this.saga;
    if (order.status === 'cancelling') return steps.finishCancel.run(run);
    const mayCharge =
      order.status === 'payment_pending' &&
      order.paymentToken !== null &&
      Date.now() < chargeDeadline(order.createdAt, this.config.reservationTtlMs);
    const payment = mayCharge ? await steps.charge.run(run) : await steps.findCharge.run(run);
    if (payment === UNKNOWN || payment === IN_PROGRESS)
      return steps.defer.run(run, { inProgress: payment === IN_PROGRESS });
    return steps.settle.run(run, payment, order.status === 'pending' ? 'checkout_interrupted' : 'payment_unavailable');
  }
}
