import type { EventSubscription } from '../../../../platform/module.js';
import { ORDER_PAYMENT_FAILED } from '../../../orders/contract/orders.events.js';
import { renderPaymentFailed } from '../../domain/templates.js';
import { FindRecipient } from '../find-recipient.service.js';
import { RecordNotification } from '../record-notification.handler.js';

/** order.payment-failed → `payment_failed`: the amount and why it failed. */
export const onOrderPaymentFailed: EventSubscription<typeof ORDER_PAYMENT_FAILED> = {
  event: ORDER_PAYMENT_FAILED,
  async handle(envelope, container) {
    const { orderId, userId } = envelope.payload;
    const recipient = await container.resolve(FindRecipient).ofUser(userId);
    if (!recipient) return;
    const message = renderPaymentFailed({ ...envelope.payload, name: recipient.name });
    await container
      .resolve(RecordNotification)
      .execute(envelope, { userId, template: 'payment_failed', recipient: recipient.email, orderId, ...message });
  },
};
