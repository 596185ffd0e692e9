import { formatMoney } from './money.js';
import type { RenderedMessage } from './notification.js';

/** Plain-text templates, rendered from event payloads. Pure: the same input always gives the same text. */

const SIGNATURE = '\n\n— Modular Shop';

export interface OrderSummary {
  orderId: string;
  totalCents: number;
  currency: string;
}

export interface OrderLine {
  name: string;
  quantity: number;
  unitPriceCents: number;
  /** What orders charged for the line (pricing is orders' business, not recomputed here). */
  lineTotalCents: number;
}

const greeting = (name: string) => `Hello ${name.trim() || 'there'},`;

const lineText = (line: OrderLine, currency: string) =>
  `  ${line.quantity} × ${line.name} at ${formatMoney(line.unitPriceCents, currency)} = ${formatMoney(line.lineTotalCents, currency)}`;

export function renderWelcome(input: { name: string }): RenderedMessage {
  return {
    subject: 'Welcome to Modular Shop',
    body: `${greeting(input.name)}\n\nyour account is ready. Happy shopping!${SIGNATURE}`,
  };
}

export function renderOrderConfirmed(input: OrderSummary & { name: string; items: OrderLine[] }): RenderedMessage {
  const lines = input.items.map((line) => lineText(line, input.currency)).join('\n');
  return {
    subject: `Your order ${input.orderId} is confirmed`,
    body:
      `${greeting(input.name)}\n\nthank you for your order ${input.orderId}. We received your payment and the order is confirmed.\n\n` +
      `${lines}\n\nTotal: ${formatMoney(input.totalCents, input.currency)}${SIGNATURE}`,
  };
}

export function renderOrderCancelled(input: OrderSummary & { name: string }): RenderedMessage {
  return {
    subject: `Your order ${input.orderId} was cancelled`,
    body:
      `${greeting(input.name)}\n\nyour order ${input.orderId} was cancelled. ` +
      `The payment of ${formatMoney(input.totalCents, input.currency)} has been refunded.${SIGNATURE}`,
  };
}

export function renderPaymentFailed(input: OrderSummary & { name: string; reason: string }): RenderedMessage {
  return {
    subject: `Payment for your order ${input.orderId} failed`,
    body:
      `${greeting(input.name)}\n\nwe could not charge ${formatMoney(input.totalCents, input.currency)} for your order ${input.orderId} ` +
      `(${input.reason}). Nothing was charged and the order was not placed; you are welcome to try again.${SIGNATURE}`,
  };
}
