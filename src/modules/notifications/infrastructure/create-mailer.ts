import type { Logger } from '../../../platform/kernel/logger.js';
import type { Mailer } from '../application/ports/mailer.port.js';
import type { NotificationsSettings } from '../notifications.settings.js';
import { LogMailer } from './log-mailer.adapter.js';
import { SmtpMailer } from './smtp-mailer.adapter.js';

/** SMTP when `SMTP_URL` is set, the log otherwise. */
export const createMailer = (config: NotificationsSettings, logger: Logger): Mailer =>
  config.smtpUrl ? new SmtpMailer(config.smtpUrl, config.smtpFrom) : new LogMailer(logger);
