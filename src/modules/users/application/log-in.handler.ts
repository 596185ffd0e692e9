import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import { USERS_ERRORS } from '../contract/users.contract.js';
import { retryAfterSeconds, windowCutoff } from '../domain/login-throttle.js';
import { normaliseEmail } from '../domain/user.js';
import { ACCESS_TOKENS, type AccessTokens } from './ports/access-tokens.port.js';
import { LOGIN_ATTEMPTS, type LoginAttempts } from './ports/login-attempts.port.js';
import { PASSWORD_HASHER, type PasswordHasher } from './ports/password-hasher.port.js';
import { USERS_REPOSITORY, type UsersRepository } from './ports/users.repository.port.js';

export interface LogInCommand {
  email: string;
  password: string;
  /** The caller's address: attempts are throttled per (account, address). */
  ip: string;
}

export interface AccessTokenGrant {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

/**
 * Exchanges credentials for an access token. The attempt is counted before the password is checked,
 * so concurrent guesses cannot all slip past the limit; a success clears the count.
 */
@injectable()
export class LogInHandler {
  constructor(
    @inject(USERS_REPOSITORY) private readonly users: UsersRepository,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(LOGIN_ATTEMPTS) private readonly attempts: LoginAttempts,
    @inject(ACCESS_TOKENS) private readonly tokens: AccessTokens,
  ) {}

  async execute(command: LogInCommand): Promise<AccessTokenGrant> {
    const email = normaliseEmail(command.email);
    const now = new Date();
    const window = await this.attempts.record(email, command.ip, now, windowCutoff(now));
    const retryAfter = retryAfterSeconds(window, now);
    if (retryAfter !== undefined) {
      throw new AppError(
        'rate_limited',
        `Too many failed logins for this account; try again in ${retryAfter} seconds`,
        {
          retryAfterSeconds: retryAfter,
        },
      );
    }
    const user = await this.users.findByEmail(email);
    // Always hash, even for an unknown email: same answer, same time.
    const valid = await this.hasher.verify(command.password, user?.passwordHash);
    if (!user || !valid) throw new AppError(USERS_ERRORS.invalid_credentials, 'The email or password is wrong');
    await this.attempts.clear(email, command.ip);
    return {
      accessToken: await this.tokens.issue({ userId: user.id, role: user.role }),
      tokenType: 'Bearer',
      expiresIn: this.tokens.expiresIn,
    };
  }
}
