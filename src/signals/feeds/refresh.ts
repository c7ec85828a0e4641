/**
 * Downloads one feed and replaces `<dir>/<name>.txt` atomically. A failed refresh must never leave
 * a truncated or empty list behind (that would silently turn a detection off), so the new list is
 * validated in memory, written to a temporary file in the same directory and renamed over the old
 * one; on any failure the old file is untouched and the error says why.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { feedFile, type FeedName } from './feeds.js';
import { IpRangeSet } from './ipSet.js';

/** Feed servers can be slow, but a hung download must not hold a refresh job forever. */
const DOWNLOAD_TIMEOUT_MS = 60_000;

export interface RefreshResult {
  ranges: number;
  invalid: number;
}

export class FeedRefreshError extends Error {
  constructor(name: FeedName, url: string, why: string, options?: { cause?: unknown }) {
    super(`feed "${name}" not refreshed from ${url}: ${why}; the existing file was kept`, options);
    this.name = 'FeedRefreshError';
  }
}

/** "fetch failed" alone says nothing; the cause holds ECONNREFUSED, ENOTFOUND, a TLS error... */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : null;
  const code = cause && 'code' in cause ? ` (${String(cause.code)})` : '';
  return cause ? `${error.message}: ${cause.message}${code}` : error.message;
}

async function download(url: string, fetchImpl: typeof fetch): Promise<string> {
  const response = await fetchImpl(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  if (!response.ok) {
    // Drain the body so the connection is released before we give up on it.
    await response.body?.cancel().catch(() => undefined);
    throw new Error(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  }
  return response.text();
}

export async function refreshFeed(
  dir: string,
  name: FeedName,
  url: string,
  fetchImpl: typeof fetch = fetch,
): Promise<RefreshResult> {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new FeedRefreshError(name, url, 'not a valid URL');
  }
  if (protocol !== 'https:' && protocol !== 'http:') {
    throw new FeedRefreshError(name, url, `unsupported protocol ${protocol}`);
  }

  let text: string;
  try {
    text = await download(url, fetchImpl);
  } catch (error) {
    throw new FeedRefreshError(name, url, describe(error), { cause: error });
  }

  // An HTML error page or an empty body served with 200 parses to nothing: refuse it rather than
  // replace a working list with an empty one.
  const set = IpRangeSet.fromText(text);
  if (set.size === 0) {
    const why = text.trim() === '' ? 'the response was empty' : 'the response held no IP address or CIDR';
    throw new FeedRefreshError(name, url, `${why} (${set.invalidLines} invalid lines)`);
  }

  const target = feedFile(dir, name);
  // Same directory as the target so the rename stays on one filesystem and is atomic.
  const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(temp, text, { encoding: 'utf8', mode: 0o644 });
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new FeedRefreshError(name, url, `could not write ${target}: ${describe(error)}`, {
      cause: error,
    });
  }
  return { ranges: set.size, invalid: set.invalidLines };
}
