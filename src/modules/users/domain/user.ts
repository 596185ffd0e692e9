/** What a user may do: every registered account is a customer; admins are bootstrapped by configuration. */
export type Role = 'customer' | 'admin';

/** An account as the users module stores it. The password hash never leaves this module. */
export interface User {
  id: string;
  /** Always lower case (see {@link normaliseEmail}), so uniqueness is case-insensitive. */
  email: string;
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: string;
}

/** Mail providers treat addresses case-insensitively in practice; one account per address, whatever the casing. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export const PASSWORD_MIN_LENGTH = 8;
/** Bounds the work a single request can ask of the password hasher. */
export const PASSWORD_MAX_LENGTH = 256;
export const NAME_MAX_LENGTH = 100;
