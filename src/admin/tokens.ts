/**
 * API bearer tokens: 32 random bytes, shown once when created, stored only as a keyed hash (HMAC with
 * a purpose-bound key), so a copy of the database does not hold usable tokens. Revocable; every use
 * moves the token's last-used time.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Keys } from '../crypto/keys.js';
import type { ActorRef, ApiTokenRecord } from '../storage/adminTypes.js';
import type { Store } from '../storage/types.js';

const PREFIX = 'rgat_';
const TOKEN_PATTERN = /^rgat_[A-Za-z0-9_-]{43}$/;

export class ApiTokens {
  constructor(
    private readonly store: Store,
    private readonly keys: Keys,
    private readonly now: () => number,
  ) {}

  private hash(token: string): string {
    return this.keys.hash('api-token', token);
  }

  /** Creates a token; the returned `token` is the only copy there will ever be. */
  async create(name: string, createdBy: ActorRef): Promise<{ token: string; record: ApiTokenRecord }> {
    const token = `${PREFIX}${randomBytes(32).toString('base64url')}`;
    const record: ApiTokenRecord = {
      id: randomUUID(),
      name,
      tokenHash: this.hash(token),
      createdBy,
      createdAt: this.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.store.apiTokens.createApiToken(record);
    return { token, record };
  }

  /** The live token this bearer value stands for, or null (malformed, unknown or revoked). */
  async authenticate(bearer: string): Promise<ApiTokenRecord | null> {
    if (!TOKEN_PATTERN.test(bearer)) return null;
    return this.store.apiTokens.useApiToken(this.hash(bearer), this.now());
  }

  revoke(id: string): Promise<boolean> {
    return this.store.apiTokens.revokeApiToken(id, this.now());
  }

  list(): Promise<ApiTokenRecord[]> {
    return this.store.apiTokens.listApiTokens();
  }
}

/** A token's public face: never its hash. */
export function publicToken(record: ApiTokenRecord) {
  return {
    id: record.id,
    name: record.name,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt,
    revokedAt: record.revokedAt,
  };
}

export function tokenActor(record: ApiTokenRecord): ActorRef {
  return { kind: 'token', id: record.id, name: `${record.name} (token by ${record.createdBy.name})` };
}
