import type { InjectionToken } from 'tsyringe';

export interface MailMessage {
  to: string;
  subject: string;
  /** Plain-text body. */
  text: string;
}

/** Hands a message to whatever delivers e-mail (the log by default, SMTP when configured). */
export interface Mailer {
  /** Resolves once the message is accepted for delivery; rejects when it was not (the caller retries). */
  send(message: MailMessage): Promise<void>;
}

export const MAILER: InjectionToken<Mailer> = Symbol('MAILER');
