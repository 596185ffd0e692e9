import { inject, injectable } from 'tsyringe';
import { AppError } from '../../../platform/kernel/errors.js';
import type { Logger } from '../../../platform/kernel/logger.js';
import { LOGGER } from '../../../platform/kernel/tokens.js';
import { type UsersApi, USERS_API } from '../../users/contract/users.contract.js';
import { RecipientCache, type Recipient } from './recipient-cache.js';

/**
 * Who an order event's notification goes to: order events carry only the user id, the users module
 * knows the address (remembered for a while: see RecipientCache). Called before the inbox
 * transaction opens, so no database transaction is held open across a (possibly remote) call.
 */
@injectable()
export class FindRecipientHandler {
  constructor(
    @inject(USERS_API) private readonly users: UsersApi,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(RecipientCache) private readonly cache: RecipientCache,
  ) {}

  /** The user's address, or undefined when the user does not exist (nobody to notify). */
  async ofUser(userId: string): Promise<Recipient | undefined> {
    const known = this.cache.get(userId);
    if (known) return known;
    try {
      const user = await this.users.getUser({ id: userId });
      const recipient = { email: user.email, name: user.name };
      this.cache.set(userId, recipient, Date.now() + RecipientCache.LIFETIME_MS);
      return recipient;
    } catch (error) {
      // Any other failure (users unreachable) rejects, so the bus delivers the event again later.
      if (!(error instanceof AppError && error.code === 'not_found')) throw error;
      this.logger.warn({ userId }, 'no such user; notification skipped');
      return undefined;
    }
  }
}
