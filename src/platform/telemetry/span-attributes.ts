/** Our attributes on spans (beside OpenTelemetry's semantic conventions), searchable in the console. */
export const ATTR = {
  /** The module doing the work; `gateway` for the gateway's own spans. Every span has it. */
  module: 'shop.module',
  /** A contract call: `local` (in-process) or `remote` (over HTTP). */
  transport: 'shop.transport',
  /** The module a contract call or a forwarded request goes to. */
  callee: 'shop.callee',
  operation: 'shop.operation',
  event: 'shop.event',
  orderId: 'shop.order_id',
  requestId: 'shop.request_id',
  /** The AppError code a span ended with. */
  errorCode: 'shop.error_code',
} as const;
