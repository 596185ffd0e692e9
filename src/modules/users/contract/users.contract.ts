import { defineContract } from '../../../platform/rpc/contract.js';
import { USERS_ERRORS } from './users.errors.js';
import { usersOperations } from './users.operations.js';
import { USERS_API } from './users.tokens.js';

/** What the host needs to serve this module's API to other processes, or to call it remotely. */
export const usersContract = defineContract('users', USERS_API, usersOperations, USERS_ERRORS);
