import { z } from 'zod';
import { defineSettings } from '../../platform/kernel/settings.js';

export interface NotificationsSettings {
  /** Where e-mails are sent (SMTP_URL); unset: they are stored and logged only. */
  smtpUrl?: string;
  /** The sender of every e-mail (SMTP_FROM). */
  smtpFrom: string;
}

/** The notifications module's environment variables (README, Configuration). */
export const notificationsSettings = defineSettings(
  'notifications',
  {
    SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
    SMTP_FROM: z.string().default('Modular Shop <shop@localhost>'),
  },
  (env): NotificationsSettings => ({ smtpUrl: env.SMTP_URL, smtpFrom: env.SMTP_FROM }),
);
