import type { EventSubscription } from '../../../../platform/module.js';
import { ORDER_CONFIRMED } from '../../../orders/contract/orders.events.js';
import { renderOrderConfirmed } from '../../domain/templates.js';
import { FindRecipient } from '../find-recipient.service.js';
import { RecordNotification } from '../record-notification.handler.js';

/** order.confirmed → `order_confirmed`: the order's lines and total. */
export const onOrderConfirmed: EventSubscription<typeof ORDER_CONFIRMED> = {
  event: ORDER_CONFIRMED,
  async handle(envelope, container) {
    const { orderId, userId } = envelope.payload;
    const recipient = await container.resolve(FindRecipient).ofUser(userId);
    if (!recipient) return;
    const message = renderOrderConfirmed({ ...envelope.payload, name: recipient.name });
    await container
      .resolve(RecordNotification)
      .execute(envelope, { userId, template: 'order_confirmed', recipient: recipient.email, orderId, ...message });
  },
};
