import { inject, injectable } from 'tsyringe';
import type { UsersApi, UserView } from '../contract/users.contract.js';
import { GetUser } from './get-user.handler.js';

/** The in-process implementation of the users contract. */
@injectable()
export class UsersApiService implements UsersApi {
  constructor(@inject(GetUser) private readonly getUserById: GetUser) {}

  getUser(input: { id: string }): Promise<UserView> {
    return this.getUserById.execute(input.id);
  }
}
