import { defineRoute } from '../../../platform/kernel/route.js';
import { pageOf, pageQuery } from '../../../platform/http/pagination.js';
import { ListNotificationsHandler } from '../application/list-notifications.handler.js';
import { notificationView, toNotificationView } from './notification.schemas.js';

export const listNotificationsRoute = defineRoute({
  method: 'get',
  path: '/api/v1/notifications',
  summary: 'Your notifications, newest first',
  tags: ['notifications'],
  access: 'user',
  query: pageQuery,
  responses: { 200: pageOf(notificationView) },
  async handler({ query, principal, container }) {
    const page = await container.resolve(ListNotificationsHandler).execute(principal!.userId, query);
    return { status: 200, body: { items: page.items.map(toNotificationView), nextCursor: page.nextCursor } };
  },
});

export const notificationsRoutes = [listNotificationsRoute];
