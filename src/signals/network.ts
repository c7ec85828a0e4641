/**
 * IP normalisation and the "network" signal: the IP prefix a sign-in comes from. Without an ASN
 * database the /24 (IPv4) or /48 (IPv6) stands in for "the same ISP / office / home": a user's
 * address changes within it often, so it is a steadier familiarity feature than the exact IP.
 */
import { isIP } from 'node:net';

const MAPPED_IPV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * Canonical form of an address as sockets and proxies report it: IPv4-mapped IPv6 becomes plain
 * IPv4 (a dual-stack server reports "::ffff:1.2.3.4"), a zone id is dropped, IPv6 is lower-cased.
 */
export function normalizeIp(raw: string): string {
  let ip = raw.trim();
  const mapped = MAPPED_IPV4.exec(ip);
  if (mapped) return mapped[1]!;
  const zone = ip.indexOf('%');
  if (zone >= 0 && ip.includes(':')) ip = ip.slice(0, zone);
  return ip.includes(':') ? ip.toLowerCase() : ip;
}

/** The 8 hextets of a valid IPv6 address (handles "::" and an embedded IPv4 tail). */
export function ipv6Hextets(ip: string): number[] | null {
  if (isIP(ip) !== 6) return null;
  let text = ip;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const fill = new Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...fill, ...right];
}

/** "1.2.3.0/24" for IPv4, "2001:db8:1::/48" for IPv6, "unknown" for anything that is not an IP. */
export function networkOf(rawIp: string): string {
  const ip = normalizeIp(rawIp);
  const version = isIP(ip);
  if (version === 4) return `${ip.split('.').slice(0, 3).join('.')}.0/24`;
  if (version !== 6) return 'unknown';
  const prefix = ipv6Hextets(ip)!.slice(0, 3);
  // The remaining 80 bits are zero, so "::" always closes the prefix; trailing zero hextets of
  // the prefix join that run ("2001::/48", not "2001:0:0::/48") as RFC 5952 asks.
  while (prefix.length > 0 && prefix[prefix.length - 1] === 0) prefix.pop();
  return `${prefix.map((h) => h.toString(16)).join(':')}::/48`;
}
