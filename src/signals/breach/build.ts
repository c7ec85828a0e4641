/**
 * Writes a breached-password corpus in the Have I Been Pwned "SHA-1:count" format, sorted the way
 * BreachCorpus's binary search needs. Used to turn a plain common-password list into a corpus and
 * to build test corpora; the real HIBP download can be used as-is.
 */
import { createHash, randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

export interface CorpusEntry {
  password: string;
  count: number;
}

export interface WriteCorpusOptions {
  /** The HIBP downloads use CRLF; LF is accepted by the reader too. */
  eol?: '\n' | '\r\n';
  /** Whether the last line ends with `eol` (HIBP files vary; the reader handles both). */
  trailingNewline?: boolean;
}

/** Upper-case hex SHA-1 of the UTF-8 password, as HIBP lists it. Not a password hash: lookup only. */
export function sha1Hex(password: string): string {
  return createHash('sha1').update(password, 'utf8').digest('hex').toUpperCase();
}

/**
 * Writes `entries` to `file` atomically (temporary file + rename, so a reader never sees half a
 * corpus). The same password twice is one line with the counts added. Returns the number of lines.
 */
export async function writeCorpus(
  file: string,
  entries: Iterable<CorpusEntry>,
  options: WriteCorpusOptions = {},
): Promise<number> {
  const { eol = '\r\n', trailingNewline = true } = options;
  const counts = new Map<string, number>();
  for (const { password, count } of entries) {
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new RangeError(`a corpus count must be a positive integer (got ${count})`);
    }
    const hash = sha1Hex(password);
    counts.set(hash, (counts.get(hash) ?? 0) + count);
  }
  // Plain code-unit order, which for upper-case hex is the byte order the reader compares in.
  const hashes = [...counts.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const body = hashes.map((hash) => `${hash}:${counts.get(hash)}`).join(eol);
  const text = hashes.length > 0 && trailingNewline ? body + eol : body;

  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, 'latin1');
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw error;
  }
  return hashes.length;
}
