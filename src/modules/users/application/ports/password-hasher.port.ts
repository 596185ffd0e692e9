import type { InjectionToken } from 'tsyringe';

/** Slow, salted password hashing with self-describing hashes (parameters travel with each hash). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /**
   * True when `password` matches `stored`. With `stored` undefined (no such account) it does the
   * same work against a dummy hash and returns false, so response time does not reveal whether
   * an account exists.
   */
  verify(password: string, stored: string | undefined): Promise<boolean>;
}

export const PASSWORD_HASHER: InjectionToken<PasswordHasher> = Symbol('PASSWORD_HASHER');
