import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestShop, type TestShop } from '../support/shop.js';
import { listAll, ofTemplate, sleep } from './notifications.fixtures.js';
import { moduleKnex } from '../support/module-db.js';
import { eventually } from '../support/eventually.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const FROM = 'noreply@shop.test';

describe('notifications through SMTP (SMTP_URL set)', () => {
  let sink: SmtpSink;
  let shop: TestShop;

  beforeAll(async () => {
    sink = await startSmtpSink();
    shop = await startTestShop({ SMTP_URL: sink.url, SMTP_FROM: `Modular Shop <${FROM}>` });
  });

  afterAll(async () => {
    await shop?.stop();
    await sink?.close();
  });

  const mailTo = (address: string) => sink.received.filter((mail) => mail.to.includes(address));

  it('sends the welcome e-mail once, to the registered address, with the welcome subject', async () => {
    const ada = await shop.customer('Ada Lovelace');
    await eventually('the welcome e-mail', () => mailTo(ada.email).length > 0);
    await sleep(300); // room for a (wrong) second message to arrive
    const mails = mailTo(ada.email);
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual([ada.email]);
    expect(mails[0].subject).toBe('Welcome to Modular Shop');
    expect(mails[0].from).toBe(FROM);
    expect(mails[0].raw).toContain('Hello Ada Lovelace,');
    const welcomes = ofTemplate(await listAll(shop, ada.token), 'welcome');
    expect(welcomes).toHaveLength(1);
    expect(welcomes[0]).toMatchObject({ recipient: ada.email, status: 'sent' });
  });

  it('marks a refused send failed, retries it in the background, and still sends one e-mail for one notification', async () => {
    const email = `refused-${Date.now()}@shop.test`;
    sink.refuseNext(email, 2);
    const registered = await shop.request('POST', '/api/v1/auth/register', {
      body: { email, password: 'correct-horse-1', name: 'Refused Once' },
    });
    expect(registered.status).toBe(201);
    const rowOf = () =>
      moduleKnex(shop, 'notifications')('notifications').where({ user_id: registered.body.id, template: 'welcome' });

    await eventually('the first attempt to fail', async () => (await rowOf().first())?.status === 'failed', {
      timeoutMs: 10_000,
    });
    const failed = await rowOf().first();
    expect(Number(failed.attempts)).toBeGreaterThanOrEqual(1);
    expect(failed.last_error).toContain('451');

    // Retries after 1 s, then 2 s: the third attempt is accepted.
    await eventually('the retry to succeed', async () => (await rowOf().first())?.status === 'sent', {
      timeoutMs: 15_000,
    });
    const rows = await rowOf();
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].attempts)).toBe(3);
    expect(rows[0].next_attempt_at).toBeNull();
    expect(sink.refused.get(email)).toBe(2);
    expect(mailTo(email)).toHaveLength(1);
    expect(mailTo(email)[0].subject).toBe('Welcome to Modular Shop');
  });
});
