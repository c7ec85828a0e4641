/**
 * API bearer tokens: 32 random bytes, shown once when created, stored only as a keyed hash (HMAC with
 * a purpose-bound key), so a copy of the database does not hold usable tokens. Revocable; every use
 * moves the token's last-used time. A token made by an admin in the console acts with that admin's
 * authority, so it works only while its creator is still an admin and not blocked (a token made
 * through the API by another token: while that token is); tokens made by the operator from the
 * command line have no such creator and stay live until revoked.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Keys } from '../crypto/keys.js';
import type { ActorRef, ApiTokenRecord } from '../storage/adminTypes.js';
import type { Store } from '../storage/types.js';
import type { UserDirectory } from '../domain/identity.js';
import { ADMIN_ROLE } from './types.js';

const PREFIX = 'rgat_';
const TOKEN_PATTERN = /^rgat_[A-Za-z0-9_-]{43}$/;
/** Tokens made by tokens made by tokens...: deeper chains are refused. */
const MAX_TOKEN_CHAIN = 4;

export class ApiTokens {
  constructor(
    private readonly store: Store,
    private readonly directory: UserDirectory,
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

  /**
   * The live token this bearer value stands for, or null: malformed, unknown, revoked, or made by an
   * admin who is no longer one (roles are read fresh on every request, as the console does).
   */
  async authenticate(bearer: string): Promise<ApiTokenRecord | null> {
    if (!TOKEN_PATTERN.test(bearer)) return null;
    const record = await this.store.apiTokens.useApiToken(this.hash(bearer), this.now());
    if (!record) return null;
    return (await this.creatorStillAdmin(record)) ? record : null;
  }

  /**
   * Whoever made the token still has the authority it lends: an admin who is still one and not
   * blocked, or (a token made through the API by another token) a parent token that is itself still
   * live, up to a few levels. The operator's command line is trusted as it stands.
   */
  private async creatorStillAdmin(record: ApiTokenRecord, depth = 0): Promise<boolean> {
    const { createdBy } = record;
    if (createdBy.kind === 'user') {
      const creator = await this.directory.findById(createdBy.id);
      if (!creator?.roles?.includes(ADMIN_ROLE)) return false;
      return !(await this.store.identities.getIdentity(creator.id)).blocked;
    }
    if (createdBy.kind === 'token') {
      const parent = depth < MAX_TOKEN_CHAIN ? await this.store.apiTokens.getApiToken(createdBy.id) : null;
      return parent !== null && parent.revokedAt === null && this.creatorStillAdmin(parent, depth + 1);
    }
    return true;
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
