import type { InjectionToken } from 'tsyringe';
import type { User } from '../../domain/user.js';

/** Where accounts live. */
export interface UsersRepository {
  findById(id: string): Promise<User | undefined>;
  /** @param email already normalised. */
  findByEmail(email: string): Promise<User | undefined>;
  /**
   * Stores a new account together with its `user.registered` event, atomically (outbox).
   * Fails with `email_taken` when the address exists: the database's unique constraint decides,
   * so two concurrent registrations cannot both succeed.
   */
  add(user: User): Promise<void>;
  /** Gives an existing account the admin role and a new password hash. */
  promoteToAdmin(id: string, passwordHash: string): Promise<void>;
}

export const USERS_REPOSITORY: InjectionToken<UsersRepository> = Symbol('USERS_REPOSITORY');
