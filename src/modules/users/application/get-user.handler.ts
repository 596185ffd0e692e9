import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import type { UserView } from '../contract/users.contract.js';
import { USERS_REPOSITORY, type UsersRepository } from './ports/users.repository.port.js';
import { toUserView } from './user-view.mapper.js';

/** One user by id (for `/users/me` and the contract); `not_found` when there is none. */
@injectable()
export class GetUserHandler {
  constructor(@inject(USERS_REPOSITORY) private readonly users: UsersRepository) {}

  async execute(id: string): Promise<UserView> {
    const user = await this.users.findById(id);
    if (!user) throw new AppError('not_found', `No user ${id}`);
    return toUserView(user);
  }
}
