import type { Logger } from '../../../platform/kernel/logger.js';
import type { MailMessage, Mailer } from '../application/ports/mailer.port.js';

/**
 * The default mailer when no SMTP server is configured: the notification is already stored, and
 * the message is written to the log, so a fresh `npm start` needs no mail server.
 */
export class LogMailer implements Mailer {
  constructor(private readonly logger: Logger) {}

  async send(message: MailMessage): Promise<void> {
    this.logger.info(
      { to: message.to, subject: message.subject, body: message.text },
      'e-mail delivered to the log (SMTP_URL is not set)',
    );
  }
}
