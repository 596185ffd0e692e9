import type { Knex } from 'knex';
import { inject, injectable } from 'tsyringe';
import type { PublicJwk } from '../application/ports/access-tokens.port.js';
import { KNEX } from '../../../platform/db/db.tokens.js';

/** A stored signing key pair, both halves as JWKs. */
export interface StoredSigningKey {
  kid: string;
  algorithm: string;
  privateJwk: Record<string, string>;
  publicJwk: PublicJwk;
  createdAt: string;
}

interface Row {
  kid: string;
  slot: string | null;
  algorithm: string;
  private_jwk: string;
  public_jwk: string;
  created_at: string;
}

const toKey = (row: Row): StoredSigningKey => ({
  kid: row.kid,
  algorithm: row.algorithm,
  privateJwk: JSON.parse(row.private_jwk),
  publicJwk: JSON.parse(row.public_jwk),
  createdAt: row.created_at,
});

/** Signing keys live in the module's database, so they survive restarts and are shared by its instances. */
@injectable()
export class SigningKeysKnexRepository {
  constructor(@inject(KNEX) private readonly knex: Knex) {}

  async current(): Promise<StoredSigningKey | undefined> {
    const row = await this.knex<Row>('signing_keys').where({ slot: 'current' }).first();
    return row && toKey(row);
  }

  /** Every key whose tokens may still be around (today: the current one), for the JWKS. */
  async published(): Promise<StoredSigningKey[]> {
    return (await this.knex<Row>('signing_keys').orderBy('created_at', 'desc')).map(toKey);
  }

  /** Stores `key` as the current one unless another instance got there first (then nothing happens). */
  async addCurrentIfNone(key: StoredSigningKey): Promise<void> {
    await this.knex('signing_keys')
      .insert({
        kid: key.kid,
        slot: 'current',
        algorithm: key.algorithm,
        private_jwk: JSON.stringify(key.privateJwk),
        public_jwk: JSON.stringify(key.publicJwk),
        created_at: key.createdAt,
      })
      .onConflict('slot')
      .ignore();
  }
}
