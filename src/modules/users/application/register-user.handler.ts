import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import type { UserView } from '../contract/users.contract.js';
import { normaliseEmail, type User } from '../domain/user.js';
import { PASSWORD_HASHER, type PasswordHasher } from './ports/password-hasher.port.js';
import { USERS_REPOSITORY, type UsersRepository } from './ports/users.repository.port.js';
import { toUserView } from './user-view.mapper.js';

export interface RegisterUserCommand {
  email: string;
  password: string;
  name: string;
}

/** Opens a customer account. The role is not an input: self-registration never yields an admin. */
@injectable()
export class RegisterUserHandler {
  constructor(
    @inject(USERS_REPOSITORY) private readonly users: UsersRepository,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
  ) {}

  async execute(command: RegisterUserCommand): Promise<UserView> {
    const user: User = {
      id: randomUUID(),
      email: normaliseEmail(command.email),
      name: command.name,
      role: 'customer',
      passwordHash: await this.hasher.hash(command.password),
      createdAt: new Date().toISOString(),
    };
    await this.users.add(user);
    return toUserView(user);
  }
}
