import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { continuedContext, runWithContext } from './context.js';
import { createLogger } from './logger.js';

/** A logger writing into memory, and the JSON lines it wrote so far. */
function memoryLogger(level = 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger(level, destination);
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const BEARER = 'Bearer eyJhbGciOiJFZERTQSJ9.secret-access-token.sig';

/** Shapes the code base really logs or plausibly will: bodies, headers, tokens, user rows, the config. */
const SECRET_SHAPES: Array<[string, Record<string, unknown>, string]> = [
  ['a password', { password: 'hunter2-top' }, 'hunter2-top'],
  ['a password in a request body', { body: { email: 'a@example.com', password: 'hunter2-body' } }, 'hunter2-body'],
  ['a password in req.body', { req: { body: { password: 'hunter2-req' } } }, 'hunter2-req'],
  ['the authorization header of req', { req: { headers: { authorization: BEARER } } }, BEARER],
  ['an authorization header', { headers: { authorization: `${BEARER}-2` } }, `${BEARER}-2`],
  [
    'a capitalised Authorization header of an outgoing call',
    { request: { headers: { Authorization: `${BEARER}-3` } } },
    `${BEARER}-3`,
  ],
  ['an authorization value', { authorization: `${BEARER}-4` }, `${BEARER}-4`],
  ['an accessToken', { accessToken: 'access-token-1', tokenType: 'Bearer' }, 'access-token-1'],
  ['an accessToken in a response', { response: { accessToken: 'access-token-2', expiresIn: 900 } }, 'access-token-2'],
  ['a token', { token: 'plain-token-1' }, 'plain-token-1'],
  ['a nested token', { session: { token: 'plain-token-2' } }, 'plain-token-2'],
  ['a payment method', { paymentMethod: { token: 'tok_card_1' } }, 'tok_card_1'],
  [
    'a payment method in a checkout body',
    { body: { items: [], paymentMethod: { token: 'tok_card_2' } } },
    'tok_card_2',
  ],
  ['a service token header', { headers: { 'x-internal-token': 'service-token-1' } }, 'service-token-1'],
  ['a service token header of req', { req: { headers: { 'x-internal-token': 'service-token-2' } } }, 'service-token-2'],
  ['a cookie header', { req: { headers: { cookie: 'sid=cookie-secret' } } }, 'cookie-secret'],
  ['a user row with its password hash', { user: { id: 'u1', passwordHash: 'scrypt$hash-1' } }, 'scrypt$hash-1'],
  ['a database row with its password hash', { row: { id: 'u1', password_hash: 'scrypt$hash-2' } }, 'scrypt$hash-2'],
  [
    'the config',
    {
      config: {
        internalTokenSecret: 'internal-secret-value',
        admin: { email: 'x@example.com', password: 'admin-pass' },
      },
    },
    'internal-secret-value',
  ],
  [
    'the admin password in the config',
    { config: { admin: { email: 'x@example.com', password: 'admin-pass-2' } } },
    'admin-pass-2',
  ],
];

describe('createLogger', () => {
  it.each(SECRET_SHAPES)('redacts %s', (_shape, fields, secret) => {
    const { logger, lines } = memoryLogger();
    logger.info(fields, 'something happened');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('[redacted]');
  });

  it('keeps the fields that are not secret', () => {
    const { logger, records } = memoryLogger();
    logger.info({ body: { email: 'a@example.com', password: 'hunter2' }, status: 201 }, 'registered');
    expect(records()[0]).toMatchObject({
      msg: 'registered',
      status: 201,
      body: { email: 'a@example.com', password: '[redacted]' },
    });
  });

  it('writes requestId, trace_id and span_id on every line logged inside a context, also after an await', async () => {
    const { logger, records } = memoryLogger();
    const ids = { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' };
    const traceparent = `00-${ids.trace_id}-${ids.span_id}-01`;
    await runWithContext(continuedContext({ traceparent }, { requestId: 'req-42' }), async () => {
      logger.info('before the await');
      await new Promise((resolve) => setImmediate(resolve));
      logger.warn({ code: 'x' }, 'after the await');
    });
    logger.info('outside any request');

    const [before, after, outside] = records();
    expect(before).toMatchObject({ requestId: 'req-42', ...ids, msg: 'before the await' });
    expect(after).toMatchObject({ requestId: 'req-42', ...ids, msg: 'after the await' });
    expect(outside).not.toHaveProperty('requestId');
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
  });

  it('keeps concurrent requests apart', async () => {
    const { logger, records } = memoryLogger();
    const serve = (requestId: string, delayMs: number) =>
      runWithContext(continuedContext({}, { requestId }), async () => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        logger.info({ served: requestId }, 'done');
      });
    await Promise.all([serve('slow', 20), serve('fast', 1)]);
    for (const record of records()) expect(record.requestId).toBe(record.served);
    expect(records()).toHaveLength(2);
  });

  it('honours the level', () => {
    const { logger, lines } = memoryLogger('warn');
    logger.info('quiet');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 40, msg: 'loud' });
  });
});
