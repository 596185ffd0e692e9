import type { InjectionToken } from 'tsyringe';
import type { ChargePaymentHandler } from './application/charge-payment.handler.js';
import type { RefundPaymentHandler } from './application/refund-payment.handler.js';
import type { ViewPaymentHandler } from './application/view-payment.handler.js';

/** Internal DI tokens of the payments module's use cases (ports keep theirs next to their interfaces). */
export const CHARGE_PAYMENT: InjectionToken<ChargePaymentHandler> = Symbol('CHARGE_PAYMENT');
export const REFUND_PAYMENT: InjectionToken<RefundPaymentHandler> = Symbol('REFUND_PAYMENT');
export const VIEW_PAYMENT: InjectionToken<ViewPaymentHandler> = Symbol('VIEW_PAYMENT');
