import type { InjectionToken } from 'tsyringe';
import type { AttemptWindow } from '../../domain/login-throttle.js';

/**
 * Counts login attempts per (account, address) in the database, so every instance of the users
 * module sees the same counts.
 */
export interface LoginAttempts {
  /**
   * Counts one more attempt, atomically: opens a new window (count 1) when the current one ended
   * at or before `windowCutoff`, and returns the window after the increment.
   */
  record(email: string, ip: string, now: Date, windowCutoff: string): Promise<AttemptWindow>;
  /** Forgets the attempts of this (account, address) after a successful login. */
  clear(email: string, ip: string): Promise<void>;
  /** Deletes windows that ended at or before `windowCutoff`; returns how many. */
  purge(windowCutoff: string): Promise<number>;
}

export const LOGIN_ATTEMPTS: InjectionToken<LoginAttempts> = Symbol('LOGIN_ATTEMPTS');
