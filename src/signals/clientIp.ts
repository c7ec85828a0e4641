/**
 * The client address of a request, believing X-Forwarded-For only as far as the "trust proxy"
 * setting allows. Trusting it blindly would let an attacker pick the IP (and so the country) every
 * detector sees, e.g. to dodge impossible travel or to lock a victim out from "their" network.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import proxyaddr from 'proxy-addr';
import { normalizeIp } from './network.js';

/** Whether the address at `hop` (0 = socket peer) is a proxy whose X-Forwarded-For we believe. */
export type TrustFunction = (addr: string, hop: number) => boolean;

export type TrustProxySetting = boolean | number | string | string[];

/**
 * Same meaning as Express's "trust proxy": false trusts nothing, true trusts every hop, a number
 * trusts that many hops, strings are names (loopback, linklocal, uniquelocal), IPs or CIDRs
 * (comma-separated or as a list). A bad entry throws here, at boot, not on the first request.
 */
export function compileTrustProxy(setting: TrustProxySetting): TrustFunction {
  if (setting === true) return () => true;
  if (setting === false) return () => false;
  if (typeof setting === 'number') return (_addr, hop) => hop < setting;
  const list = typeof setting === 'string' ? setting.split(',') : setting;
  return proxyaddr.compile(list.map((entry) => entry.trim()).filter((entry) => entry !== ''));
}

/** Drops a port some proxies append ("1.2.3.4:5678", "[2001:db8::1]:443"). */
function withoutPort(addr: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(addr);
  if (bracketed) return bracketed[1]!;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(addr);
  return v4WithPort ? v4WithPort[1]! : addr;
}

/**
 * The client IP, normalised (no IPv4-mapped prefix). When a trusted proxy forwards something that
 * is not an IP we fall back to the socket peer rather than store attacker-shaped text.
 */
export function clientIp(req: IncomingMessage, trust: TrustFunction): string {
  const socketIp = normalizeIp(req.socket?.remoteAddress ?? '');
  const chosen = normalizeIp(withoutPort(proxyaddr(req, trust) ?? ''));
  return isIP(chosen) ? chosen : socketIp;
}
