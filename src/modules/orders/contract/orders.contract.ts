import { defineContract } from '../../../platform/rpc/contract.js';
import { ORDERS_ERRORS } from './orders.errors.js';
import { ordersOperations } from './orders.operations.js';
import { ORDERS_API } from './orders.tokens.js';

/** What the host needs to serve this module's API to other processes, or to call it remotely. */
export const ordersContract = defineContract('orders', ORDERS_API, ordersOperations, ORDERS_ERRORS);
