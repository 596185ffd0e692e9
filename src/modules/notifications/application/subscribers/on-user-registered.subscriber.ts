import type { EventSubscription } from '../../../../platform/kernel/module.js';
import { USER_REGISTERED } from '../../../users/contract/users.events.js';
import { renderWelcome } from '../../domain/templates.js';
import { RecordNotificationHandler } from '../record-notification.handler.js';

/** user.registered → `welcome`, to the address the user registered with. */
export const onUserRegistered: EventSubscription<typeof USER_REGISTERED> = {
  event: USER_REGISTERED,
  async handle(envelope, container) {
    const { userId, email, name } = envelope.payload;
    await container
      .resolve(RecordNotificationHandler)
      .execute(envelope, { userId, template: 'welcome', recipient: email, ...renderWelcome({ name }) });
  },
};
