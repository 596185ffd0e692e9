import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { injectable } from 'tsyringe';
import type { PasswordHasher } from '../application/ports/password-hasher.port.js';

/** OWASP's scrypt parameters (2^17 × 8 × 128 bytes = 128 MiB of memory per hash). */
export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Node refuses scrypt above 32 MiB by default; leave headroom over the 128 MiB these parameters need.
const MAX_MEMORY = 256 * 1024 * 1024;
// Refuse absurd parameters read back from a stored hash instead of letting them exhaust memory.
const MAX_N = 2 ** 20;

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

// The async scrypt runs on libuv's thread pool; the sync one would block the event loop for ~0.5 s.
const derive = (password: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

/** `scrypt$N$r$p$salt$hash` (base64url), so parameters can be raised later without breaking old hashes. */
const format = (parsed: ParsedHash) =>
  ['scrypt', parsed.N, parsed.r, parsed.p, parsed.salt.toString('base64url'), parsed.key.toString('base64url')].join(
    '$',
  );

function parse(stored: string): ParsedHash | undefined {
  const [scheme, N, r, p, salt, key, ...rest] = stored.split('$');
  const numbers = [Number(N), Number(r), Number(p)];
  if (scheme !== 'scrypt' || rest.length > 0 || !numbers.every((n) => Number.isSafeInteger(n) && n > 0))
    return undefined;
  if (numbers[0] > MAX_N || (numbers[0] & (numbers[0] - 1)) !== 0 || numbers[1] * numbers[2] > 64) return undefined;
  const parsed = {
    N: numbers[0],
    r: numbers[1],
    p: numbers[2],
    salt: Buffer.from(salt, 'base64url'),
    key: Buffer.from(key, 'base64url'),
  };
  return parsed.salt.length > 0 && parsed.key.length >= 16 ? parsed : undefined;
}

// Passwords typed on different devices may arrive in different Unicode forms (NIST SP 800-63B 5.1.1.2).
const normalise = (password: string) => password.normalize('NFKC');

@injectable()
export class ScryptPasswordHasher implements PasswordHasher {
  /** Same parameters as a real hash, random key: verifying against it costs the same and never matches. */
  private readonly dummy: ParsedHash = { ...SCRYPT_PARAMS, salt: randomBytes(SALT_BYTES), key: randomBytes(KEY_BYTES) };

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(normalise(password), salt, KEY_BYTES, { ...SCRYPT_PARAMS, maxmem: MAX_MEMORY });
    return format({ ...SCRYPT_PARAMS, salt, key });
  }

  async verify(password: string, stored: string | undefined): Promise<boolean> {
    const parsed = (stored !== undefined && parse(stored)) || undefined;
    const target = parsed ?? this.dummy;
    const key = await derive(normalise(password), target.salt, target.key.length, {
      N: target.N,
      r: target.r,
      p: target.p,
      maxmem: MAX_MEMORY,
    });
    return timingSafeEqual(key, target.key) && parsed !== undefined;
  }
}
