import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  raw: string;
}

export interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  /** The next `count` messages to `address` are refused with a temporary error (451). */
  refuseNext(address: string, count: number): void;
  /** Messages refused so far, by recipient. */
  refused: Map<string, number>;
  close(): Promise<void>;
}

// Header lines may be folded (CRLF + whitespace); unfold before reading one.
const header = (raw: string, name: string) => {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1].trim() ?? '';
};

/** A local SMTP server on a random 127.0.0.1 port that keeps every message it accepts. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const toRefuse = new Map<string, number>();
  const refused = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((address) => address.address);
        const refuse = to.find((address) => (toRefuse.get(address) ?? 0) > 0);
        if (refuse) {
          toRefuse.set(refuse, toRefuse.get(refuse)! - 1);
          refused.set(refuse, (refused.get(refuse) ?? 0) + 1);
          return callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        received.push({ from, to, subject: header(raw, 'Subject'), raw });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refused,
    refuseNext: (address, count) => void toRefuse.set(address, count),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
