import type { z } from 'zod';
import type { ApiOf } from '../../../platform/rpc/contract.js';
import type { userView, usersOperations } from './users.operations.js';

/** What other modules may ask the users module. */
export type UsersApi = ApiOf<typeof usersOperations>;
export type UserView = z.output<typeof userView>;
