import { inject, injectable } from 'tsyringe';
import type { UsersApi, UserView } from '../contract/users.contract.js';
import { GetUserHandler } from './get-user.handler.js';

/** The in-process implementation of the users contract. */
@injectable()
export class UsersApiService implements UsersApi {
  constructor(@inject(GetUserHandler) private readonly getUserById: GetUserHandler) {}

  getUser(input: { id: string }): Promise<UserView> {
    return this.getUserById.execute(input.id);
  }
}
