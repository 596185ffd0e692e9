import type { z } from 'zod';
import type { ApiOf } from '../../../platform/rpc/contract.js';
import type { orderView, ordersOperations } from './orders.operations.js';

export type OrdersApi = ApiOf<typeof ordersOperations>;
export type OrderView = z.output<typeof orderView>;
