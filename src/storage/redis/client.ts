/**
 * The node-redis client shared by the Redis counters and sessions, and a small Lua script runner.
 * The client never crashes the process and never queues while disconnected, so callers fail closed.
 */
import { createHash } from 'node:crypto';
import { createClient } from 'redis';

/** Attempts at start-up before giving up: a Redis that is down at boot should fail the boot, not hang it. */
const INITIAL_ATTEMPTS = 3;
const CONNECT_TIMEOUT_MS = 2000;
const STARTUP_DEADLINE_MS = 4500;
const MAX_RECONNECT_DELAY_MS = 2000;
/** How long close() lets in-flight commands finish before dropping the socket. */
const CLOSE_GRACE_MS = 2000;

/** The URL without its password, for error messages. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}

/** `isConnected` tells the reconnect strategy whether start-up is over. */
function newClient(url: string, isConnected: () => boolean) {
  return createClient({
    url,
    // Without this, commands issued during an outage wait in memory until Redis is back: requests
    // would hang instead of failing closed.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      // After start-up, retry forever with capped backoff (and jitter, so many instances do not
      // reconnect in lockstep); before it, give up quickly so openRedisParts rejects.
      reconnectStrategy: (retries, cause) => {
        if (!isConnected() && retries >= INITIAL_ATTEMPTS - 1) return cause;
        return Math.min(2 ** retries * 50, MAX_RECONNECT_DELAY_MS) + Math.floor(Math.random() * 200);
      },
    },
  });
}

export type RedisClient = ReturnType<typeof newClient>;

export async function connectClient(url: string): Promise<RedisClient> {
  let connected = false;
  const client = newClient(url, () => connected);
  // node-redis emits 'error' on every failed (re)connect; an EventEmitter without a listener would
  // throw it and crash the process. Failures reach callers as rejected commands and a failing ping.
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  try {
    // Attempts alone do not bound start-up: against a host that drops packets each one waits for
    // connectTimeout. destroy() on the deadline ends the pending connect, so it rejects too.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${STARTUP_DEADLINE_MS} ms`)),
        STARTUP_DEADLINE_MS,
      );
    });
    const connecting = client.connect();
    connecting.catch(() => undefined); // when the deadline wins, its later rejection is expected
    await Promise.race([connecting, deadline]);
  } catch (error) {
    client.destroy();
    throw new Error(`cannot connect to Redis at ${describeUrl(url)}: ${(error as Error).message}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
  connected = true;
  return client;
}

/** Closes gracefully, but never waits on a Redis that stopped answering. Safe on a dead client. */
export async function closeClient(client: RedisClient): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.close(),
      new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
    ]);
  } catch {
    // close() throws when the socket is already closed; destroy() below is idempotent.
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}

/** A Lua script sent by SHA after the first use; EVAL once again when Redis has forgotten it (restart). */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: RedisClient, keys: string[], args: (string | number)[]): Promise<unknown> {
    const options = { keys, arguments: args.map(String) };
    try {
      return await client.evalSha(this.#sha, options);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.#source, options);
    }
  }
}

/** Escapes glob characters so a prefix is matched literally by SCAN MATCH. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Every key under `pattern` (already glob-escaped where needed), batch by batch. */
export async function* scanKeys(client: RedisClient, pattern: string): AsyncGenerator<string[]> {
  for await (const keys of client.scanIterator({ MATCH: pattern, COUNT: 500 })) {
    if (keys.length > 0) yield keys;
  }
}
