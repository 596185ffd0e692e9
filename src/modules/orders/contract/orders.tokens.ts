import type { InjectionToken } from 'tsyringe';
import type { OrdersApi } from './orders.api.js';

export const ORDERS_API: InjectionToken<OrdersApi> = Symbol('ORDERS_API');
