import { createHash, randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/errors.js';
import { isUnfinished } from '../domain/order-status.js';
import { checkoutResponse, problemResponse } from './checkout-response.js';
import type { IdempotencyTicket } from './idempotency-ticket.js';
import type { PlaceOrderCommand } from './place-order.command.js';
import { PlaceOrderHandler, type CheckoutOutcome } from './place-order.handler.js';
import {
  IDEMPOTENCY_STORE,
  type IdempotencyRecord,
  type IdempotencyStore,
  type StoredResponse,
} from './ports/idempotency-store.port.js';
import { ORDERS_REPOSITORY, type OrdersRepository } from './ports/orders-repository.port.js';
import { SAGA_SETTINGS, type SagaSettings } from './ports/saga-settings.port.js';

export interface CheckoutReply {
  response: StoredResponse;
  /** True when this is the stored answer to an earlier request with the same key. */
  replayed: boolean;
}

/** Same items (as sent, in order) and same token: the request the key stands for. */
const requestHashOf = (command: PlaceOrderCommand): string =>
  createHash('sha256')
    .update(JSON.stringify([command.items.map((line) => [line.productId, line.quantity]), command.paymentToken]))
    .digest('hex');

const inUse = () =>
  new AppError('idempotency_key_in_use', 'A request with this Idempotency-Key is still being processed; retry later', {
    headers: { 'Retry-After': '1' },
  });

/**
 * Checkout under an Idempotency-Key (draft-ietf-httpapi-idempotency-key-header), scoped to the user.
 * The key is claimed by inserting its record — in the same transaction as the order, never
 * check-then-insert — so the unique (user, key) constraint decides which concurrent request runs the
 * checkout; the others replay its stored final response, or get 409 while it runs and 422 when their
 * body differs. A final response is any 2xx or 4xx, stored with the saga's deciding transition; after
 * a 5xx the record is dropped so the client can retry. A record left in flight by a dead process is
 * answered from its order once the recovery has finished that.
 */
@injectable()
export class IdempotentCheckoutHandler {
  constructor(
    @inject(PlaceOrderHandler) private readonly placeOrder: PlaceOrderHandler,
    @inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    @inject(ORDERS_REPOSITORY) private readonly orders: OrdersRepository,
    @inject(SAGA_SETTINGS) private readonly settings: SagaSettings,
  ) {}

  async execute(command: PlaceOrderCommand, key: string): Promise<CheckoutReply> {
    const requestHash = requestHashOf(command);
    // A few rounds at most: a round only repeats after an expired or abandoned record was removed.
    for (let round = 0; round < 3; round++) {
      const now = Date.now();
      const claim = {
        userId: command.userId,
        key,
        requestHash,
        orderId: randomUUID(),
        createdAt: now,
        expiresAt: now + this.settings.idempotencyTtlMs,
      };
      const ticket: IdempotencyTicket = { claim, claimed: false };
      const reply = await this.attempt({ ...command, orderId: claim.orderId }, ticket);
      if (reply) return reply;
    }
    throw inUse();
  }

  private async attempt(command: PlaceOrderCommand, ticket: IdempotencyTicket): Promise<CheckoutReply | undefined> {
    let outcome: CheckoutOutcome;
    try {
      outcome = await this.placeOrder.execute(command, ticket);
    } catch (error) {
      if (ticket.claimed) await this.store.release(ticket.claim.userId, ticket.claim.key);
      throw error;
    }
    if (outcome.kind === 'key_taken') return this.replayExisting(ticket);
    const response = outcome.kind === 'placed' ? checkoutResponse(outcome.order) : problemResponse(outcome.error);
    if (response.status >= 500) {
      if (ticket.claimed) await this.store.release(ticket.claim.userId, ticket.claim.key);
      return { response, replayed: false };
    }
    if (ticket.claimed) {
      if (ticket.recorded) return { response: ticket.recorded, replayed: false };
      await this.store.complete(ticket.claim.userId, ticket.claim.key, response);
      return { response, replayed: false };
    }
    // Refused before anything was ordered: record the refusal, unless the key turns out to be taken.
    if (await this.store.insertCompleted(ticket.claim, response)) return { response, replayed: false };
    return this.replayExisting(ticket);
  }

  /** The answer the existing record gives, or undefined once it was cleared away (try again). */
  private async replayExisting(ticket: IdempotencyTicket): Promise<CheckoutReply | undefined> {
    const existing = await this.store.find(ticket.claim.userId, ticket.claim.key);
    if (!existing) return undefined;
    if (existing.expiresAt <= Date.now()) {
      await this.store.discard(existing.userId, existing.key, existing.createdAt);
      return undefined;
    }
    if (existing.requestHash !== ticket.claim.requestHash) {
      throw new AppError(
        'idempotency_key_reused',
        'This Idempotency-Key was already used with a different request body; use a new key',
      );
    }
    if (existing.state === 'completed') return { response: existing.response!, replayed: true };
    if (Date.now() - existing.createdAt < this.settings.recoveryAfterMs) throw inUse();
    const adopted = await this.adopt(existing);
    return adopted && { response: adopted, replayed: true };
  }

  /** An in-flight record older than any live request: its process died. Answer from its order. */
  private async adopt(existing: IdempotencyRecord): Promise<StoredResponse | undefined> {
    const order = await this.orders.findById(existing.orderId);
    if (order && isUnfinished(order.status)) throw inUse();
    const response = order && checkoutResponse(order);
    if (!response || response.status >= 500) {
      // Nothing was ordered (or it was refused as retryable): the key is free again.
      await this.store.discard(existing.userId, existing.key, existing.createdAt);
      return undefined;
    }
    await this.store.complete(existing.userId, existing.key, response);
    return response;
  }
}
