/**
 * Looks a password up in a breached-password corpus in the Have I Been Pwned "SHA-1:count" format
 * (one upper-case hex SHA-1 per line, sorted ascending, CRLF or LF). The full HIBP file is tens of
 * gigabytes, so it is never loaded: a binary search over byte offsets reads a small window per step
 * and resynchronises on the next line break, O(log n) reads of a few hundred bytes per lookup.
 *
 * The password is hashed with SHA-1 only to find its line; neither it nor the hash is kept or logged.
 */
import { open } from 'node:fs/promises';
import { sha1Hex } from './build.js';

/** Bytes per read: several HIBP lines (~45 bytes each), so the last steps are served from memory. */
const WINDOW = 512;
/** No valid line comes close; a longer one means this is not a HIBP file, not a slow lookup. */
const MAX_LINE = 4096;
/** How far before the requested offset a window starts: bisection's last steps go both ways. */
const LOOK_BEHIND = 128;
const LF = 0x0a;
const HIBP_LINE = /^[0-9A-F]{40}(?::\d+)?$/i;
/** A UTF-8 byte-order mark as it reads when bytes are decoded as latin1 (one char per byte). */
const BOM = /^\u00EF\u00BB\u00BF/;

/** The text of one line without a leading byte-order mark or the CR of a CRLF. */
function clean(raw: string): string {
  return raw.replace(BOM, '').replace(/\r$/, '');
}

/** The part of `FileHandle` the corpus uses, so a test can count reads through a wrapper. */
export interface CorpusReader {
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

interface Line {
  /** Offset of the first byte after this line's line break (the next line's start). */
  next: number;
  hash: string;
  count: number;
}

/** The last window read by one lookup; consecutive bisection steps often fall inside it. */
interface Cache {
  position: number;
  bytes: Buffer;
}

function parseLine(raw: string): { hash: string; count: number } {
  const text = clean(raw);
  const colon = text.indexOf(':');
  const hash = (colon < 0 ? text : text.slice(0, colon)).toUpperCase();
  // A hash-only list (no counts) still says "breached": count it as seen once.
  const count = colon < 0 ? 1 : Number.parseInt(text.slice(colon + 1), 10);
  return { hash, count: Number.isFinite(count) && count > 0 ? count : 1 };
}

export class BreachCorpus {
  private closed = false;

  private constructor(
    private readonly reader: CorpusReader,
    /** File size in bytes. */
    readonly size: number,
  ) {}

  /** Opens and sanity-checks the first line, so a wrong file (NTLM, plain text) fails at startup. */
  static async open(file: string): Promise<BreachCorpus> {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      return await BreachCorpus.fromReader(handle, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  static async fromReader(reader: CorpusReader, size: number): Promise<BreachCorpus> {
    const corpus = new BreachCorpus(reader, size);
    if (size > 0) {
      const first = await corpus.peek({ position: 0, bytes: Buffer.alloc(0) }, 0);
      const line = clean(first.toString('latin1').split('\n')[0]!);
      if (!HIBP_LINE.test(line)) {
        throw new Error('not a breached-password corpus: the first line is not "SHA-1:count"');
      }
    }
    return corpus;
  }

  /** How many times the password appears in the corpus; 0 when it is not in it. */
  async count(password: string): Promise<number> {
    return this.countSha1(sha1Hex(password));
  }

  /** The same lookup for a caller that already holds the SHA-1 (hex, any case). */
  async countSha1(sha1: string): Promise<number> {
    if (this.closed) throw new Error('the breached-password corpus is closed');
    const target = sha1.toUpperCase();
    const cache: Cache = { position: 0, bytes: Buffer.alloc(0) };
    // Invariant: every line starting before `lo` sorts below the target, and the first line
    // starting at or after `hi` (if any) sorts at or above it. `lo` is always a line start.
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = lo + Math.floor((hi - lo) / 2);
      const line = await this.lineAt(cache, mid);
      if (line === null || line.hash > target) hi = mid;
      else if (line.hash === target) return line.count;
      else lo = line.next;
    }
    const line = await this.lineAt(cache, lo);
    return line !== null && line.hash === target ? line.count : 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.reader.close();
  }

  /**
   * The bytes from `position` to the end of the cached window, reading a new window when the cache
   * does not cover it. The window starts a little before `position` because bisection often steps
   * back by less than that; empty only at end of file.
   */
  private async peek(cache: Cache, position: number): Promise<Buffer> {
    const offset = position - cache.position;
    if (offset >= 0 && offset < cache.bytes.length) return cache.bytes.subarray(offset);
    if (position >= this.size) return Buffer.alloc(0);
    const from = Math.max(0, position - LOOK_BEHIND);
    const buffer = Buffer.alloc(Math.min(WINDOW, this.size - from));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await this.reader.read(buffer, filled, buffer.length - filled, from + filled);
      if (bytesRead === 0) break; // the file shrank under us: work with what is there
      filled += bytesRead;
    }
    cache.position = from;
    cache.bytes = buffer.subarray(0, filled);
    return cache.bytes.subarray(Math.min(position - from, filled));
  }

  /** Bytes [from, to), possibly spanning windows (only for lines longer than a window). */
  private async bytesBetween(cache: Cache, from: number, to: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let position = from; position < to;) {
      const bytes = await this.peek(cache, position);
      if (bytes.length === 0) break;
      const part = bytes.subarray(0, to - position);
      parts.push(part);
      position += part.length;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Offset just past the next line break at or after `from`, or null at end of file. */
  private async afterLineBreak(cache: Cache, from: number): Promise<number | null> {
    for (let position = from; position < this.size;) {
      if (position - from > MAX_LINE)
        throw new Error(`corpus line at byte ${from} is too long: not a HIBP file`);
      const bytes = await this.peek(cache, position);
      if (bytes.length === 0) return null;
      const lf = bytes.indexOf(LF);
      if (lf >= 0) return position + lf + 1;
      position += bytes.length;
    }
    return null;
  }

  /** The first line starting at or after byte `p`, or null when none does. */
  private async lineAt(cache: Cache, p: number): Promise<Line | null> {
    // A line starts at 0 or right after a line break, so look for the break from the byte before.
    const start = p === 0 ? 0 : await this.afterLineBreak(cache, p - 1);
    if (start === null || start >= this.size) return null;
    const next = (await this.afterLineBreak(cache, start)) ?? this.size;
    const raw = (await this.bytesBetween(cache, start, next)).toString('latin1');
    return { next, ...parseLine(raw.replace(/\n$/, '')) };
  }
}
