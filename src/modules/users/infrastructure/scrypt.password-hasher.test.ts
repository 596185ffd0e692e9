import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { ScryptPasswordHasher, SCRYPT_PARAMS } from './scrypt.password-hasher.js';

describe('ScryptPasswordHasher', () => {
  const hasher = new ScryptPasswordHasher();

  it('stores a self-describing scrypt hash with N=2^17, r=8, p=1 and a 16-byte salt, and verifies it', async () => {
    const stored = await hasher.hash('correct horse battery');
    const [scheme, N, r, p, salt, key] = stored.split('$');
    expect([scheme, Number(N), Number(r), Number(p)]).toEqual(['scrypt', SCRYPT_PARAMS.N, 8, 1]);
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(key, 'base64url')).toHaveLength(32);
    expect(stored).not.toContain('correct horse');
    const [right, wrong] = await Promise.all([
      hasher.verify('correct horse battery', stored),
      hasher.verify('correct horse batterY', stored),
    ]);
    expect([right, wrong]).toEqual([true, false]);
  });

  it('salts every hash differently', async () => {
    const [a, b] = await Promise.all([hasher.hash('same password'), hasher.hash('same password')]);
    expect(a).not.toBe(b);
  });

  it('rejects unknown accounts and unreadable hashes after doing the same work', async () => {
    const started = Date.now();
    const results = await Promise.all([
      hasher.verify('anything', undefined),
      hasher.verify('anything', 'plain-text'),
      hasher.verify('x', 'scrypt$1099511627776$8$1$AAAA$AAAA'),
    ]);
    expect(results).toEqual([false, false, false]);
    // Three real scrypt runs (~0.5 s each on 2 cores); a shortcut would take a few milliseconds.
    expect(Date.now() - started).toBeGreaterThan(100);
  });

  it('treats differently composed Unicode forms of one password as the same password', async () => {
    const stored = await hasher.hash('caf\u00e9-password');
    expect(await hasher.verify('cafe\u0301-password', stored)).toBe(true);
  });
});
