import { z } from 'zod';
import { DELIVERY_STATUSES, TEMPLATES, type Notification } from '../domain/notification.js';

/** A notification as its owner sees it (API.md "Notifications"). */
export const notificationView = z.object({
  id: z.string(),
  userId: z.string(),
  channel: z.literal('email'),
  template: z.enum(TEMPLATES),
  recipient: z.string(),
  subject: z.string(),
  body: z.string(),
  orderId: z.string().optional(),
  status: z.enum(DELIVERY_STATUSES),
  createdAt: z.string(),
});

export type NotificationView = z.output<typeof notificationView>;

export const toNotificationView = (notification: Notification): NotificationView => ({
  id: notification.id,
  userId: notification.userId,
  channel: notification.channel,
  template: notification.template,
  recipient: notification.recipient,
  subject: notification.subject,
  body: notification.body,
  ...(notification.orderId ? { orderId: notification.orderId } : {}),
  status: notification.status,
  createdAt: notification.createdAt,
});
