/** The messages this module sends; each is the reaction to one kind of event. */
export const TEMPLATES = ['welcome', 'order_confirmed', 'order_cancelled', 'payment_failed'] as const;
export type Template = (typeof TEMPLATES)[number];

/** pending (stored, not yet handed to the mailer) → sent | failed (retried until it is sent or gives up). */
export const DELIVERY_STATUSES = ['pending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export type Channel = 'email';

/** What a template renders to. */
export interface RenderedMessage {
  subject: string;
  body: string;
}

/** A notification before it is stored: who gets which message, and why. */
export interface NotificationDraft extends RenderedMessage {
  userId: string;
  template: Template;
  recipient: string;
  orderId?: string;
}

export interface Notification extends NotificationDraft {
  id: string;
  /** The event this notification reacts to; (eventId, template) is unique. */
  eventId: string;
  channel: Channel;
  status: DeliveryStatus;
  /** Delivery attempts made so far. */
  attempts: number;
  createdAt: string;
}
