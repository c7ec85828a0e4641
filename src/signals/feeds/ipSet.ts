/**
 * A set of IP ranges read from a plain-text feed (one address or CIDR per line), answering "is this
 * IP listed?" in O(log n). Feeds are downloaded from third parties, so parsing never throws: a bad
 * line is counted and skipped, and one typo cannot empty a whole list.
 */
import { isIP } from 'node:net';
import { ipv6Hextets, normalizeIp } from '../network.js';

const IPV4_BITS = 32;
const IPV6_BITS = 128;
const MAPPED_PREFIX_BITS = 96; // ::ffff:0:0/96 holds the IPv4-mapped addresses
const DECIMAL = /^\d{1,3}$/;

type Parsed = { version: 4; start: number; end: number } | { version: 6; start: bigint; end: bigint };

/** IPv4 as an unsigned 32-bit number (arithmetic, not bit ops, which would go negative). */
function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function ipv6ToBigInt(ip: string): bigint | null {
  const hextets = ipv6Hextets(ip);
  if (!hextets) return null;
  return hextets.reduce((acc, h) => (acc << 16n) | BigInt(h), 0n);
}

/** One feed line (already stripped of comments) as a range, or null when it is not an IP/CIDR. */
export function parseRange(text: string): Parsed | null {
  const slash = text.indexOf('/');
  const rawAddress = slash < 0 ? text : text.slice(0, slash);
  const rawPrefix = slash < 0 ? null : text.slice(slash + 1);
  if (rawPrefix !== null && !DECIMAL.test(rawPrefix)) return null;

  const address = normalizeIp(rawAddress);
  const version = isIP(address);
  let prefix = rawPrefix === null ? null : Number(rawPrefix);
  // "::ffff:192.0.2.0/120" is an IPv4 range written in IPv6 form; normalizeIp already made the
  // address IPv4, so the prefix must follow or a /120 would be rejected as longer than /32.
  if (version === 4 && rawAddress.includes(':') && prefix !== null) {
    if (prefix < MAPPED_PREFIX_BITS) return null;
    prefix -= MAPPED_PREFIX_BITS;
  }

  if (version === 4) {
    const bits = prefix ?? IPV4_BITS;
    if (bits > IPV4_BITS) return null;
    const size = 2 ** (IPV4_BITS - bits);
    // Feeds often write "192.0.2.5/24"; the host bits are dropped rather than the line rejected.
    const start = Math.floor(ipv4ToNumber(address) / size) * size;
    return { version: 4, start, end: start + size - 1 };
  }
  if (version === 6) {
    const value = ipv6ToBigInt(address);
    const bits = prefix ?? IPV6_BITS;
    if (value === null || bits > IPV6_BITS) return null;
    const hostMask = (1n << BigInt(IPV6_BITS - bits)) - 1n;
    const start = value & ~hostMask;
    return { version: 6, start, end: start | hostMask };
  }
  return null;
}

/** Sorts and merges overlapping or adjacent ranges so a binary search sees disjoint intervals. */
function merge<T extends number | bigint>(
  ranges: Array<[T, T]>,
  successor: (value: T) => T,
): { starts: T[]; ends: T[] } {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const starts: T[] = [];
  const ends: T[] = [];
  for (const [start, end] of ranges) {
    const last = ends.length - 1;
    if (last >= 0 && start <= successor(ends[last]!)) {
      if (end > ends[last]!) ends[last] = end;
    } else {
      starts.push(start);
      ends.push(end);
    }
  }
  return { starts, ends };
}

/** Index of the last start <= value, or -1. */
function lastStartAtOrBefore<T extends number | bigint>(starts: T[], value: T): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= value) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

export class IpRangeSet {
  private readonly v4: { starts: number[]; ends: number[] };
  private readonly v6: { starts: bigint[]; ends: bigint[] };
  /** Non-empty, non-comment lines that were not an address or CIDR. */
  readonly invalidLines: number;

  constructor(lines: Iterable<string> = []) {
    const v4: Array<[number, number]> = [];
    const v6: Array<[bigint, bigint]> = [];
    let invalid = 0;
    for (const line of lines) {
      // "#" comments, plus ";" which Spamhaus-style lists use for "1.2.3.0/24 ; SBL123".
      const text = line.replace(/[#;].*$/, '').trim();
      if (text === '') continue;
      const range = parseRange(text);
      if (range === null) invalid++;
      else if (range.version === 4) v4.push([range.start, range.end]);
      else v6.push([range.start, range.end]);
    }
    this.v4 = merge(v4, (n) => n + 1);
    this.v6 = merge(v6, (n) => n + 1n);
    this.invalidLines = invalid;
  }

  /** A feed file's contents, CRLF or LF. */
  static fromText(text: string): IpRangeSet {
    return new IpRangeSet(text.split(/\r?\n/));
  }

  /** Number of disjoint ranges after merging (IPv4 and IPv6 together). */
  get size(): number {
    return this.v4.starts.length + this.v6.starts.length;
  }

  /** Whether `ip` (any textual form, including IPv4-mapped IPv6) is inside a listed range. */
  has(rawIp: string): boolean {
    const ip = normalizeIp(rawIp);
    const version = isIP(ip);
    if (version === 4) {
      const value = ipv4ToNumber(ip);
      const i = lastStartAtOrBefore(this.v4.starts, value);
      return i >= 0 && value <= this.v4.ends[i]!;
    }
    if (version === 6) {
      const value = ipv6ToBigInt(ip);
      if (value === null) return false;
      const i = lastStartAtOrBefore(this.v6.starts, value);
      return i >= 0 && value <= this.v6.ends[i]!;
    }
    return false;
  }
}
