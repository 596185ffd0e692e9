import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, requirePostgres } from '../support/services.js';
import { moduleKnex } from '../support/module-db.js';
import { startTestShop, type TestShop } from '../support/shop.js';

/**
 * 300 malformed requests to register, login and me: every answer must be an RFC 9457 problem,
 * never a 500. Deterministic (seeded), so a failure can be replayed.
 */

interface FuzzCase {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(20260101);
const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
const REGISTER = '/api/v1/auth/register';
const LOGIN = '/api/v1/auth/login';
const ME = '/api/v1/users/me';
const JSON_TYPE = { 'content-type': 'application/json' };

const wrongTypes = [null, true, false, 0, -1, 1e308, [], [1], {}, { $gt: '' }];
/** Values each field must refuse (types or lengths), so no fuzzed body can pass validation. */
const invalidValues: Record<string, unknown[]> = {
  email: [
    ...wrongTypes,
    '',
    ' ',
    'a',
    'x'.repeat(300),
    '\u0000',
    'a@b',
    '@x.io',
    'a@@b.io',
    '😀@😀',
    ' spaced@example.com',
    'x'.repeat(250) + '@example.com',
  ],
  password: [...wrongTypes, 12345678, '', 'p'.repeat(257)],
  name: [...wrongTypes, '', '    ', 'n'.repeat(101), 'a\u0000b', 'line\nbreak'],
};
const brokenJson = [
  '{',
  '{"email":',
  '{"email":"a@b.io",}',
  "{'email':'a@b.io'}",
  '{"email":"a@b.io" "password":"x"}',
  'nul',
  'undefined',
  'NaN',
  '[',
  '{"a":1}}',
  '\u00ff\u00fe{',
  '{"email":"\\u12"}',
  '{"password":"\\x41"}',
  '<xml/>',
  'email=a@b.io&password=x',
];
const contentTypes = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/jsonx',
  'image/png',
  '*/*',
  'application/json; charset=klingon',
];
const badAuthorizations = [
  'Bearer',
  'Bearer ',
  'Basic dXNlcjpwYXNz',
  'bearer abc',
  'Bearer a.b.c',
  'Bearer ...',
  'Bearer eyJhbGciOiJub25lIn0.e30.',
  'Bearer ' + 'A'.repeat(8000),
  'Bearer a b',
  'Token abc',
  'Bearer \u00e9\u00e9',
  'Bearer eyJ.eyJ.sig',
  'Bearer ' +
    Buffer.from('{"alg":"HS256"}').toString('base64url') +
    '.' +
    Buffer.from('{"sub":"x"}').toString('base64url') +
    '.c2ln',
  'Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.' + 'A'.repeat(86),
  'Bearer %00',
  'Bearer null',
  'Bearer undefined',
  'Bearer ' + 'a.'.repeat(50),
];

/** A body that fails the schema: wrong types, missing or extra-long fields. */
function invalidBody(path: string): unknown {
  const valid: Record<string, unknown> =
    path === REGISTER
      ? { email: 'fuzz@example.com', password: 'fuzz-password', name: 'Fuzz' }
      : { email: 'fuzz@example.com', password: 'fuzz-password' };
  const field = pick(Object.keys(valid));
  const mutations = [
    () => ({ ...valid, [field]: pick(invalidValues[field]) }),
    () => ({ ...valid, [field]: pick(invalidValues[field]), role: 'admin' }),
    () => Object.fromEntries(Object.entries(valid).filter(([key]) => key !== field)),
    () => ({}),
    () => pick([[], [valid], [[]]]),
    // Valid JSON (RFC 8259) that is not an object: the schema refuses it, not the parser.
    () => pick([null, 42, 'just a string', true]),
  ];
  if (path === REGISTER) mutations.push(() => ({ ...valid, password: 'short' }));
  return pick(mutations)();
}

function nextCase(index: number): FuzzCase {
  const path = pick([REGISTER, LOGIN]);
  switch (index % 10) {
    case 0:
      return { label: 'broken JSON', method: 'POST', path, headers: JSON_TYPE, body: pick(brokenJson) };
    case 1:
    case 2:
      return {
        label: 'invalid fields',
        method: 'POST',
        path,
        headers: JSON_TYPE,
        body: JSON.stringify(invalidBody(path)),
      };
    case 3:
      return {
        label: 'body over 100 kB',
        method: 'POST',
        path,
        headers: JSON_TYPE,
        body: JSON.stringify({
          email: 'big@example.com',
          password: 'x'.repeat(100_001 + Math.floor(random() * 400_000)),
          name: 'Big',
        }),
      };
    case 4:
      return {
        label: 'wrong content type',
        method: 'POST',
        path,
        headers: { 'content-type': pick(contentTypes) },
        body: pick(['{"email":"a@b.io","password":"password-1","name":"A"}', 'email=a@b.io', '']),
      };
    case 5:
      return { label: 'no body', method: 'POST', path, headers: pick([{}, JSON_TYPE]) };
    case 6:
    case 7:
      return { label: 'invalid token', method: 'GET', path: ME, headers: { authorization: pick(badAuthorizations) } };
    case 8:
      return {
        label: 'weird headers',
        method: pick(['GET', 'POST']),
        path: pick([ME, REGISTER, LOGIN]),
        headers: {
          ...pick<Record<string, string>>([
            {},
            JSON_TYPE,
            { 'content-type': 'application/json', 'content-encoding': pick(['gzip', 'deflate', 'br', 'x-unknown']) },
          ]),
          'x-request-id': pick(['\u00e9\u00e8', 'a'.repeat(500), 'spaces are bad', '../../etc', '']),
          traceparent: pick(['garbage', '00-' + '0'.repeat(32) + '-' + '0'.repeat(16) + '-01', 'ff-x-y-z']),
          accept: pick(['text/html', 'application/xml', '*/*']),
          'x-forwarded-for': pick(['1.2.3.4', 'not-an-ip', '::1, 10.0.0.1']),
        },
        body: pick([undefined, '{"email":1}', 'not json at all']),
      };
    default:
      return {
        label: 'wrong method',
        method: pick(['PUT', 'PATCH', 'DELETE']),
        path: pick([ME, REGISTER, LOGIN]),
        headers: JSON_TYPE,
        body: '{}',
      };
  }
}

const CASES: FuzzCase[] = Array.from({ length: 300 }, (_, index) => nextCase(index));

function fuzzSuite(
  dialect: string,
  backend: () => Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>,
  enabled = true,
) {
  describe.skipIf(!enabled)(`users endpoints under 300 malformed requests on ${dialect}`, () => {
    let shop: TestShop;
    let cleanup: (() => Promise<void>) | undefined;
    const results: { fuzz: FuzzCase; status: number; headers: Headers; text: string }[] = [];

    beforeAll(async () => {
      const storage = await backend();
      cleanup = storage.cleanup;
      shop = await startTestShop(storage.env);
      const queue = [...CASES];
      const worker = async () => {
        for (let fuzz = queue.shift(); fuzz; fuzz = queue.shift()) {
          const response = await fetch(`${shop.url}${fuzz.path}`, {
            method: fuzz.method,
            headers: fuzz.headers,
            body: fuzz.method === 'GET' ? undefined : fuzz.body,
          });
          results.push({ fuzz, status: response.status, headers: response.headers, text: await response.text() });
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    });
    afterAll(async () => {
      await shop?.stop();
      await cleanup?.();
    });

    it('sends all 300 requests, of every kind', () => {
      expect(results).toHaveLength(300);
      expect(new Set(results.map((result) => result.fuzz.label)).size).toBe(8);
    });

    it('answers every one with problem+json carrying code, status and traceId, and never with a 5xx', () => {
      const bad = results.filter(({ status, headers, text }) => {
        let body: { code?: unknown; status?: unknown; traceId?: unknown };
        try {
          body = JSON.parse(text);
        } catch {
          return true;
        }
        return (
          status >= 500 ||
          !headers.get('content-type')?.startsWith('application/problem+json') ||
          typeof body.code !== 'string' ||
          body.status !== status ||
          !/^[0-9a-f]{32}$/.test(String(body.traceId))
        );
      });
      expect(
        bad.map(({ fuzz, status, text }) => ({
          label: fuzz.label,
          method: fuzz.method,
          path: fuzz.path,
          headers: fuzz.headers,
          body: fuzz.body?.slice(0, 80),
          status,
          text: text.slice(0, 200),
        })),
      ).toEqual([]);
    });

    it('maps each kind of mistake to its documented code', () => {
      const codesOf = (label: string) =>
        new Set(results.filter((result) => result.fuzz.label === label).map((result) => JSON.parse(result.text).code));
      expect(codesOf('body over 100 kB')).toEqual(new Set(['payload_too_large']));
      expect(codesOf('invalid token')).toEqual(new Set(['unauthorized']));
      expect(codesOf('broken JSON')).toEqual(new Set(['malformed_json']));
      expect(codesOf('invalid fields')).toEqual(new Set(['validation_failed']));
      expect(codesOf('wrong method')).toEqual(new Set(['not_found']));
    });

    it('creates no account and logs nobody in', async () => {
      expect(results.filter((result) => result.status < 400)).toEqual([]);
      const users = await moduleKnex(shop, 'users')('users').count({ n: '*' });
      expect(Number(users[0].n)).toBe(1); // the bootstrap admin only
    });

    it('echoes a sane X-Request-Id, generates one otherwise, and sends security headers without X-Powered-By', async () => {
      const sane = await shop.request('GET', ME, { headers: { 'x-request-id': 'client-id_1.2:3' } });
      expect(sane.headers.get('x-request-id')).toBe('client-id_1.2:3');
      for (const insane of ['has spaces', 'x'.repeat(129), 'semi;colon']) {
        const response = await shop.request('POST', LOGIN, { headers: { 'x-request-id': insane }, body: {} });
        expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f]{16}$/);
      }
      expect(results.every((result) => /^[A-Za-z0-9._:-]{1,128}$/.test(result.headers.get('x-request-id') ?? ''))).toBe(
        true,
      );
      for (const result of [sane, ...results.slice(0, 50)]) {
        const headers = result.headers;
        expect(headers.get('x-powered-by')).toBeNull();
        expect(headers.get('x-content-type-options')).toBe('nosniff');
        expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
        expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
        expect(headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(headers.get('referrer-policy')).toBe('no-referrer');
      }
    });
  });
}

fuzzSuite('SQLite', async () => ({ env: {}, cleanup: async () => undefined }));
fuzzSuite(
  'PostgreSQL',
  async () => {
    const database = await createTestDatabase('users_fuzz');
    return { env: { DATABASE_URL: database.url }, cleanup: () => database.drop() };
  },
  await requirePostgres(),
);
