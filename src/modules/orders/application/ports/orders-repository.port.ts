import type { InjectionToken } from 'tsyringe';
import type { PendingEvent } from '../../../../platform/kernel/event.js';
import type { Cursor } from '../../../../platform/kernel/pagination.js';
import type { Order, OrderStatus, SagaLease } from '../../domain/order.js';
import type { CheckoutOutcome } from '../checkout-outcome.js';
import type { IdempotencyClaim } from './idempotency-store.port.js';

/** The columns a transition may change (`updatedAt` changes with the visible state only). */
export type OrderChange = Partial<
  Pick<Order, 'status' | 'paymentId' | 'paymentToken' | 'failureCode' | 'attempts' | 'updatedAt'>
> & {
  /** The new driver and deadline; owner null: nobody holds it, the recovery may claim it after `until`. */
  lease?: SagaLease | { owner: null; until: number };
};

/** The final answer of a keyed checkout, stored atomically with the transition that decides it. */
export interface IdempotencyCompletion {
  userId: string;
  key: string;
  outcome: CheckoutOutcome;
}

/** What a transition records besides the order, in its transaction. */
export interface TransitionRecords {
  /** Published with the change (outbox). */
  event?: PendingEvent;
  /** Completes the Idempotency-Key record whose answer the change decides. */
  completion?: IdempotencyCompletion;
}

/** An unfinished order whose lease has run out, as seen by the recovery before claiming it. */
export interface DueOrder {
  id: string;
  status: OrderStatus;
  leaseUntil: number;
}

export interface OrdersRepository {
  /**
   * Inserts the order. With a claim, first claims its Idempotency-Key in flight in the same
   * transaction (insert-first: the unique constraint decides); resolves false, inserting nothing,
   * when the key is already taken.
   */
  insert(order: Order, lease: SagaLease, claim?: IdempotencyClaim): Promise<boolean>;
  /**
   * Applies `change` only if the order is still in `from` and (unless `owner` is null) still driven
   * by `owner`; writes `records` atomically with it. Resolves false when someone else got there
   * first (then nothing is written).
   */
  transition(
    id: string,
    from: OrderStatus,
    owner: string | null,
    change: OrderChange,
    records?: TransitionRecords,
  ): Promise<boolean>;
  findById(id: string): Promise<Order | undefined>;
  /** A user's orders, newest first, rejected checkouts excluded; `limit` rows after `after`. */
  listByUser(userId: string, limit: number, after: Cursor | undefined): Promise<Order[]>;
  /** Unfinished orders whose lease ended before `now`, oldest lease first. */
  findDue(now: number, limit: number): Promise<DueOrder[]>;
  /** Takes over a due order if nobody else did since it was read; resolves the order, or undefined. */
  claim(due: DueOrder, lease: SagaLease): Promise<Order | undefined>;
}

export const ORDERS_REPOSITORY: InjectionToken<OrdersRepository> = Symbol('ORDERS_REPOSITORY');
