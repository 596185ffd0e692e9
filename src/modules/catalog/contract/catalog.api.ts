import type { z } from 'zod';
import type { ApiOf } from '../../../platform/rpc/contract.js';
import type { catalogOperations, productSnapshot, reservationLine } from './catalog.operations.js';

/** Products and stock reservations, as the orders module uses them. */
export type CatalogApi = ApiOf<typeof catalogOperations>;
export type ProductSnapshot = z.output<typeof productSnapshot>;
export type ReservationLine = z.output<typeof reservationLine>;
