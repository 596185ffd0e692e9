import type { EventSubscription } from '../../../../platform/module.js';
import { ORDER_CANCELLED } from '../../../orders/contract/orders.events.js';
import { renderOrderCancelled } from '../../domain/templates.js';
import { FindRecipient } from '../find-recipient.service.js';
import { RecordNotification } from '../record-notification.handler.js';

/** order.cancelled → `order_cancelled`: what was refunded. */
export const onOrderCancelled: EventSubscription<typeof ORDER_CANCELLED> = {
  event: ORDER_CANCELLED,
  async handle(envelope, container) {
    const { orderId, userId } = envelope.payload;
    const recipient = await container.resolve(FindRecipient).ofUser(userId);
    if (!recipient) return;
    const message = renderOrderCancelled({ ...envelope.payload, name: recipient.name });
    await container
      .resolve(RecordNotification)
      .execute(envelope, { userId, template: 'order_cancelled', recipient: recipient.email, orderId, ...message });
  },
};
