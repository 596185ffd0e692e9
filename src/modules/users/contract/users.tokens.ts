import type { InjectionToken } from 'tsyringe';
import type { UsersApi } from './users.api.js';

/** Resolves the users contract: in-process implementation or HTTP adapter, whichever is configured. */
export const USERS_API: InjectionToken<UsersApi> = Symbol('USERS_API');
