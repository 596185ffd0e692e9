import type { createTransport } from 'nodemailer';
import { onDemand } from '../../../platform/kernel/on-demand.js';
import { inSpan, SpanKind } from '../../../platform/telemetry/spans.js';
import type { MailMessage, Mailer } from '../application/ports/mailer.port.js';

/**
 * Real e-mail through the SMTP server of `SMTP_URL` (smtp:// upgrades with STARTTLS when the server
 * offers it; smtps:// is TLS from the start; credentials go in the URL). One connection per message:
 * nothing stays open to be closed at shutdown, and notifications are not a high-volume path.
 */
export class SmtpMailer implements Mailer {
  private readonly transport: ReturnType<typeof createTransport>;
  /** The SMTP server, on the send's span (never the credentials in the URL). */
  private readonly server: Record<string, string | number>;

  constructor(url: string, from: string) {
    // Bounded waits: a hung server fails the attempt (and it is retried) well within the delivery lease.
    const nodemailer = onDemand<typeof import('nodemailer')>('nodemailer');
    this.transport = nodemailer.createTransport(
      { url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 },
      { from },
    );
    const { hostname, port, protocol } = new URL(url);
    this.server = { 'server.address': hostname, 'server.port': Number(port || (protocol === 'smtps:' ? 465 : 25)) };
  }

  async send(message: MailMessage): Promise<void> {
    await inSpan('smtp send', { kind: SpanKind.CLIENT, attributes: this.server }, () =>
      this.transport.sendMail({ to: message.to, subject: message.subject, text: message.text }),
    );
  }
}
