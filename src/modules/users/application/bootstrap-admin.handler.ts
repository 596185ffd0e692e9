import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import { normaliseEmail } from '../domain/user.js';
import { PASSWORD_HASHER, type PasswordHasher } from './ports/password-hasher.port.js';
import { USERS_REPOSITORY, type UsersRepository } from './ports/users.repository.port.js';

export type BootstrapOutcome = 'created' | 'promoted' | 'unchanged';

/**
 * Makes sure the configured admin account exists with the configured password: creates it, or
 * promotes the existing account of that email and resets its password. Safe when several
 * instances start at once (the unique email decides who creates it; the others promote).
 */
@injectable()
export class BootstrapAdminHandler {
  constructor(
    @inject(USERS_REPOSITORY) private readonly users: UsersRepository,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
  ) {}

  async execute(credentials: { email: string; password: string }): Promise<BootstrapOutcome> {
    const email = normaliseEmail(credentials.email);
    const existing = await this.users.findByEmail(email);
    if (existing?.role === 'admin' && (await this.hasher.verify(credentials.password, existing.passwordHash)))
      return 'unchanged';
    const passwordHash = await this.hasher.hash(credentials.password);
    if (existing) return this.promote(existing.id, passwordHash);
    try {
      await this.users.add({
        id: randomUUID(),
        email,
        name: 'Administrator',
        role: 'admin',
        passwordHash,
        createdAt: new Date().toISOString(),
      });
      return 'created';
    } catch (error) {
      const raced =
        error instanceof AppError && error.code === 'email_taken' ? await this.users.findByEmail(email) : undefined;
      if (!raced) throw error;
      return this.promote(raced.id, passwordHash);
    }
  }

  private async promote(id: string, passwordHash: string): Promise<BootstrapOutcome> {
    await this.users.promoteToAdmin(id, passwordHash);
    return 'promoted';
  }
}
