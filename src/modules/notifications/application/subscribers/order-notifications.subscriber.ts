import type { z } from 'zod';
import type { EventDefinition } from '../../../../platform/kernel/event.js';
import type { EventSubscription } from '../../../../platform/kernel/module.js';
import { ORDER_CANCELLED, ORDER_CONFIRMED, ORDER_PAYMENT_FAILED } from '../../../orders/contract/orders.events.js';
import type { RenderedMessage, Template } from '../../domain/notification.js';
import { renderOrderCancelled, renderOrderConfirmed, renderPaymentFailed } from '../../domain/templates.js';
import { FindRecipientHandler } from '../find-recipient.handler.js';
import { RecordNotificationHandler } from '../record-notification.handler.js';

/**
 * The order's owner gets `template`, rendered from the event's payload and their name; an order
 * event carries only the user id, so the address is looked up first (nobody to notify: nothing).
 */
function notifyOrderOwner<P extends { orderId: string; userId: string }>(
  event: EventDefinition<z.ZodType<P>>,
  template: Template,
  render: (input: P & { name: string }) => RenderedMessage,
): EventSubscription<EventDefinition<z.ZodType<P>>> {
  return {
    event,
    async handle(envelope, container) {
      const { orderId, userId } = envelope.payload;
      const recipient = await container.resolve(FindRecipientHandler).ofUser(userId);
      if (!recipient) return;
      const message = render({ ...envelope.payload, name: recipient.name });
      await container
        .resolve(RecordNotificationHandler)
        .execute(envelope, { userId, template, recipient: recipient.email, orderId, ...message });
    },
  };
}

/** Each order event the owner is told about: event → template. */
export const orderNotifications = [
  // The order's lines and total.
  notifyOrderOwner(ORDER_CONFIRMED, 'order_confirmed', renderOrderConfirmed),
  // What was refunded.
  notifyOrderOwner(ORDER_CANCELLED, 'order_cancelled', renderOrderCancelled),
  // The amount and why it failed.
  notifyOrderOwner(ORDER_PAYMENT_FAILED, 'payment_failed', renderPaymentFailed),
];
