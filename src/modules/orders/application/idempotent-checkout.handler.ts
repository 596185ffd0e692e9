import { createHash, randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import { ORDERS_SETTINGS, type OrdersSettings } from '../orders.settings.js';
import { ORDERS_ERRORS } from '../contract/orders.contract.js';
import { IDEMPOTENCY_TTL_MS } from '../domain/checkout-policy.js';
import { isUnfinished } from '../domain/order-status.js';
import { isFinal, outcomeOf, type CheckoutOutcome, type Refused } from './checkout-outcome.js';
import { CheckoutSaga } from './checkout-saga.js';
import { LIVE_CHECKOUTS, type LiveCheckouts } from './live-checkouts.js';
import { OrderPricing } from './order-pricing.js';
import type { PlaceOrderCommand } from './place-order.command.js';
import {
  IDEMPOTENCY_STORE,
  type IdempotencyClaim,
  type IdempotencyRecord,
  type IdempotencyStore,
} from './ports/idempotency-store.port.js';
import {
  ORDERS_REPOSITORY,
  type IdempotencyCompletion,
  type OrdersRepository,
} from './ports/orders-repository.port.js';
import type { SagaRun } from './saga-run.js';

export interface CheckoutReply {
  outcome: CheckoutOutcome;
  /** True when this is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

/** Same items (as sent, in order) and same token: the request the key stands for. */
const requestHashOf = (command: PlaceOrderCommand): string =>
  createHash('sha256')
    .update(JSON.stringify([command.items.map((line) => [line.productId, line.quantity]), command.paymentToken]))
    .digest('hex');

const inUse = () =>
  new AppError(
    ORDERS_ERRORS.idempotency_key_in_use,
    'A request with this Idempotency-Key is still being processed; retry later',
    {
      retryAfterSeconds: 1,
    },
  );

/**
 * Checkout under an Idempotency-Key (draft-ietf-httpapi-idempotency-key-header), scoped to the user:
 * the whole protocol is here, around the saga, which knows no keys. The key is claimed by inserting
 * its record — in the same transaction as the order, never check-then-insert — so the unique
 * (user, key) constraint decides which concurrent request runs the checkout; the others replay its
 * stored final answer, or get 409 while it runs and 422 when their body differs. A final answer is an
 * order or a 4xx refusal, stored in the transaction of the saga's change that decides it (the run's
 * `recordAnswer`); after a 5xx the record is dropped so the client can retry. A record left in
 * flight by a dead process is answered from its order once the recovery has finished that.
 */
@injectable()
export class IdempotentCheckoutHandler {
  constructor(
    @inject(OrderPricing) private readonly pricing: OrderPricing,
    @inject(CheckoutSaga) private readonly saga: CheckoutSaga,
    @inject(LIVE_CHECKOUTS) private readonly live: LiveCheckouts,
    @inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    @inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository,
    @inject(ORDERS_SETTINGS) private readonly config: OrdersSettings,
  ) {}

  async execute(command: PlaceOrderCommand, key: string): Promise<CheckoutReply> {
    const requestHash = requestHashOf(command);
    // A few rounds at most: a round only repeats after an expired or abandoned record was removed.
    for (let round = 0; round < 3; round++) {
      const now = Date.now();
      const orderId = randomUUID();
      const claim = {
        userId: command.userId,
        key,
        requestHash,
        orderId,
        createdAt: now,
        expiresAt: now + IDEMPOTENCY_TTL_MS,
      };
      const reply = await this.attempt({ ...command, orderId }, claim);
      if (reply) return reply;
    }
    throw inUse();
  }

  /** One round: the reply, or undefined when the key's record was cleared away meanwhile (try again). */
  private async attempt(command: PlaceOrderCommand, claim: IdempotencyClaim): Promise<CheckoutReply | undefined> {
    const priced = await this.pricing.price(command);
    if (priced.kind === 'refused') return this.refuseUnordered(priced, claim);
    const { order } = priced;
    return this.live.run(order.id, async () => {
      const run: SagaRun = { order, owner: randomUUID(), recordAnswer: (answer) => this.completionOf(claim, answer) };
      const lease = { owner: run.owner, until: Date.now() + this.config.sagaRecoveryAfterMs };
      if (!(await this.orders.insert(order, lease, claim))) return this.replayExisting(claim);
      const { answer, takenOver } = await this.saga.checkout(run).catch(async (error: unknown) => {
        await this.store.release(claim);
        throw error;
      });
      if (!isFinal(answer)) await this.store.release(claim);
      // Taken over, the run's change was not written, nor the answer with it: store the answer now.
      else if (takenOver) await this.store.complete(claim.userId, claim.key, answer);
      return { outcome: answer, replayed: false };
    });
  }

  /** A final answer is kept for replay; a retryable failure (5xx) is not. */
  private completionOf(claim: IdempotencyClaim, answer: CheckoutOutcome): IdempotencyCompletion | undefined {
    return isFinal(answer) ? { userId: claim.userId, key: claim.key, outcome: answer } : undefined;
  }

  /** Refused before anything was ordered: a final refusal is recorded, unless the key turns out to be taken. */
  private async refuseUnordered(refusal: Refused, claim: IdempotencyClaim): Promise<CheckoutReply | undefined> {
    if (!isFinal(refusal) || (await this.store.insertCompleted(claim, refusal)))
      return { outcome: refusal, replayed: false };
    return this.replayExisting(claim);
  }

  /** The answer the existing record gives, or undefined once it was cleared away (try again). */
  private async replayExisting(claim: IdempotencyClaim): Promise<CheckoutReply | undefined> {
    const existing = await this.store.find(claim.userId, claim.key);
    if (!existing) return undefined;
    if (existing.expiresAt <= Date.now()) {
      await this.store.discard(existing.userId, existing.key, existing.createdAt);
      return undefined;
    }
    if (existing.requestHash !== claim.requestHash) {
      throw new AppError(
        ORDERS_ERRORS.idempotency_key_reused,
        'This Idempotency-Key was already used with a different request body; use a new key',
      );
    }
    if (existing.state === 'completed') return { outcome: existing.outcome!, replayed: true };
    if (Date.now() - existing.createdAt < this.config.sagaRecoveryAfterMs) throw inUse();
    const adopted = await this.adopt(existing);
    return adopted && { outcome: adopted, replayed: true };
  }

  /** An in-flight record older than any live request: its process died. Answer from its order. */
  private async adopt(existing: IdempotencyRecord): Promise<CheckoutOutcome | undefined> {
    const order = await this.orders.findById(existing.orderId);
    if (order && isUnfinished(order.status)) throw inUse();
    const outcome = order && outcomeOf(order);
    if (!outcome || !isFinal(outcome)) {
      // Nothing was ordered (or it was refused as retryable): the key is free again.
      await this.store.discard(existing.userId, existing.key, existing.createdAt);
      return undefined;
    }
    await this.store.complete(existing.userId, existing.key, outcome);
    return outcome;
  }
}
