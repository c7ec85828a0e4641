/**
 * express-session store in Redis, shared by every instance, with a per-user set of session ids so
 * "sign out everywhere" does not scan every session. Behaves like SqliteSessionStore.
 *
 * Layout: `<prefix>sess:<sid>` is a hash {data, cookie, user, exp} expiring with the session;
 * `<prefix>user-sessions:<userId>` is a set of sids living as long as the user's longest session.
 * The cookie is kept apart from the rest so touch() can renew it without rewriting (or re-encoding
 * in Lua) the session data a concurrent request may be saving.
 *
 * The scripts derive the user-set keys from the prefix instead of declaring them, which standalone
 * and Sentinel Redis allow (the client here is never a Cluster client). It keeps the index exact:
 * moving a session to another user and destroying a user's sessions are each one atomic step.
 */
import session from 'express-session';
import type { SessionData } from 'express-session';
import type { IndexedSessionStore, UserSession } from '../types.js';
import { expiryOf, userIdOf, answerLater, wasLoaded } from '../sessionFields.js';
import { globEscape, LuaScript, scanKeys, type RedisClient } from './client.js';

// Lifts a user set's TTL to at least `ttl` ms, so the set outlives every session listed in it.
const EXTEND_SET = `
local function extendSet(set, ttl)
  if redis.call('PTTL', set) < tonumber(ttl) then redis.call('PEXPIRE', set, ttl) end
end
`;

// KEYS[1] session hash. ARGV: sid, data, cookie ('' = none), user ('' = anonymous), exp, ttl ms,
// user-set prefix, '1' = existing only. A session already expired at `set` is simply removed; an
// existing-only save (a loaded session) of a session ended meanwhile does nothing.
const SET = new LuaScript(`${EXTEND_SET}
if ARGV[8] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local sid, user, ttl = ARGV[1], ARGV[4], tonumber(ARGV[6])
local old = redis.call('HGET', KEYS[1], 'user')
if old and old ~= user then redis.call('SREM', ARGV[7] .. old, sid) end
redis.call('DEL', KEYS[1])
if ttl <= 0 then
  if user ~= '' then redis.call('SREM', ARGV[7] .. user, sid) end
  return 0
end
redis.call('HSET', KEYS[1], 'data', ARGV[2], 'exp', ARGV[5])
if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'cookie', ARGV[3]) end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
if user ~= '' then
  redis.call('HSET', KEYS[1], 'user', user)
  redis.call('SADD', ARGV[7] .. user, sid)
  extendSet(ARGV[7] .. user, ARGV[6])
end
return 1
`);

// KEYS[1] session hash. ARGV: cookie, exp, ttl ms, now, user-set prefix, sid. Renews only a live
// session; a renewal to a time already past ends it, as in the SQL stores.
const TOUCH = new LuaScript(`${EXTEND_SET}
local fields = redis.call('HMGET', KEYS[1], 'exp', 'user')
if not fields[1] or tonumber(fields[1]) <= tonumber(ARGV[4]) then return 0 end
if tonumber(ARGV[3]) <= 0 then
  redis.call('DEL', KEYS[1])
  if fields[2] then redis.call('SREM', ARGV[5] .. fields[2], ARGV[6]) end
  return 0
end
redis.call('HSET', KEYS[1], 'cookie', ARGV[1], 'exp', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if fields[2] then extendSet(ARGV[5] .. fields[2], ARGV[3]) end
return 1
`);

// KEYS[1] session hash. ARGV: sid, user-set prefix.
const DESTROY = new LuaScript(`
local user = redis.call('HGET', KEYS[1], 'user')
redis.call('DEL', KEYS[1])
if user then redis.call('SREM', ARGV[2] .. user, ARGV[1]) end
return 1
`);

// KEYS[1] user set. ARGV: session-key prefix, userId, now, sid to keep ('' = none). Counts the live
// sessions removed; the user check guards against an index entry that outlived its session.
const DESTROY_USER = new LuaScript(`
local removed = 0
for _, sid in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if sid ~= ARGV[4] then
    local key = ARGV[1] .. sid
    local fields = redis.call('HMGET', key, 'user', 'exp')
    if fields[1] == ARGV[2] then
      redis.call('DEL', key)
      if tonumber(fields[2]) > tonumber(ARGV[3]) then removed = removed + 1 end
    end
    redis.call('SREM', KEYS[1], sid)
  end
end
return removed
`);

// KEYS[1] user set. ARGV: session-key prefix, userId, sid. Ends the session only if it is the user's.
const DESTROY_ONE = new LuaScript(`
if redis.call('HGET', ARGV[1] .. ARGV[3], 'user') ~= ARGV[2] then return 0 end
redis.call('DEL', ARGV[1] .. ARGV[3])
redis.call('SREM', KEYS[1], ARGV[3])
return 1
`);

export class RedisSessionStore extends session.Store implements IndexedSessionStore {
  readonly #client: RedisClient;
  readonly #sessionPrefix: string;
  readonly #userPrefix: string;

  constructor(client: RedisClient, prefix: string) {
    super();
    this.#client = client;
    this.#sessionPrefix = `${prefix}sess:`;
    this.#userPrefix = `${prefix}user-sessions:`;
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    answerLater(callback, async () => {
      const [data, cookie, exp] = await this.#client.hmGet(this.#key(sid), ['data', 'cookie', 'exp']);
      return this.#assemble(data ?? null, cookie ?? null, exp ?? null, Date.now());
    });
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    answerLater(callback, async () => {
      const now = Date.now();
      const exp = expiryOf(sess, now);
      const { cookie, ...rest } = sess;
      await SET.run(
        this.#client,
        [this.#key(sid)],
        [
          sid,
          JSON.stringify(rest),
          cookie === undefined ? '' : JSON.stringify(cookie),
          userIdOf(sess) ?? '',
          exp,
          exp - now,
          this.#userPrefix,
          wasLoaded(sess) ? '1' : '',
        ],
      );
    });
  }

  override touch(sid: string, sess: SessionData, callback?: () => void): void {
    answerLater(callback, async () => {
      const now = Date.now();
      const exp = expiryOf(sess, now);
      await TOUCH.run(
        this.#client,
        [this.#key(sid)],
        [JSON.stringify(sess.cookie ?? {}), exp, exp - now, now, this.#userPrefix, sid],
      );
    });
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    answerLater(callback, async () => {
      await DESTROY.run(this.#client, [this.#key(sid)], [sid, this.#userPrefix]);
    });
  }

  /** Removes every session and every user index under this prefix. Admin use: scans the keyspace. */
  override clear(callback?: (err?: unknown) => void): void {
    answerLater(callback, async () => {
      for (const prefix of [this.#sessionPrefix, this.#userPrefix]) {
        for await (const keys of scanKeys(this.#client, `${globEscape(prefix)}*`))
          await this.#client.del(keys);
      }
    });
  }

  /** Live sessions. Admin use: scans the keyspace. */
  override length(callback: (err: unknown, length?: number) => void): void {
    answerLater(callback, async () => Object.keys(await this.#live()).length);
  }

  /** Live sessions by sid. Admin use: scans the keyspace. */
  override all(callback: (err: unknown, obj?: { [sid: string]: SessionData } | null) => void): void {
    answerLater(callback, () => this.#live());
  }

  /** Removes every session of the user except `exceptSid` (the one doing the signing out). */
  async destroyUserSessions(userId: string, exceptSid?: string): Promise<number> {
    const removed = await DESTROY_USER.run(
      this.#client,
      [this.#userPrefix + userId],
      [this.#sessionPrefix, userId, Date.now(), exceptSid ?? ''],
    );
    return Number(removed);
  }

  async userSessions(userId: string): Promise<UserSession[]> {
    const now = Date.now();
    const sids = await this.#client.sMembers(this.#userPrefix + userId);
    const rows = await Promise.all(
      sids.map((sid) => this.#client.hmGet(this.#key(sid), ['data', 'cookie', 'exp', 'user'])),
    );
    const sessions: UserSession[] = [];
    rows.forEach(([data, cookie, exp, user], i) => {
      // The user check guards against an index entry that outlived a session moved to someone else.
      if (user !== userId) return;
      const session = this.#assemble(data ?? null, cookie ?? null, exp ?? null, now);
      if (session) sessions.push({ sid: sids[i]!, session, expiresAt: Number(exp) });
    });
    return sessions;
  }

  async destroyUserSession(userId: string, sid: string): Promise<boolean> {
    const removed = await DESTROY_ONE.run(
      this.#client,
      [this.#userPrefix + userId],
      [this.#sessionPrefix, userId, sid],
    );
    return Number(removed) === 1;
  }

  #key(sid: string): string {
    return this.#sessionPrefix + sid;
  }

  /** A stored session, or null when absent or expired (Redis may keep a key a moment past its TTL). */
  #assemble(data: string | null, cookie: string | null, exp: string | null, now: number): SessionData | null {
    if (data == null || exp == null || Number(exp) <= now) return null;
    const sess = JSON.parse(data) as Record<string, unknown>;
    return (cookie == null ? sess : { cookie: JSON.parse(cookie), ...sess }) as unknown as SessionData;
  }

  async #live(): Promise<{ [sid: string]: SessionData }> {
    const now = Date.now();
    const sessions: { [sid: string]: SessionData } = {};
    for await (const keys of scanKeys(this.#client, `${globEscape(this.#sessionPrefix)}*`)) {
      const rows = await Promise.all(keys.map((key) => this.#client.hmGet(key, ['data', 'cookie', 'exp'])));
      rows.forEach(([data, cookie, exp], i) => {
        const sess = this.#assemble(data ?? null, cookie ?? null, exp ?? null, now);
        if (sess) sessions[keys[i]!.slice(this.#sessionPrefix.length)] = sess;
      });
    }
    return sessions;
  }
}
