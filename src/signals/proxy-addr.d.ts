/**
 * Minimal types for proxy-addr 2.x (a dependency of express that ships no types and has no
 * @types package installed here). Only what clientIp.ts uses is declared.
 */
declare module 'proxy-addr' {
  import type { IncomingMessage } from 'node:http';

  /** Called for each address from the socket outwards; `hop` 0 is the socket peer. */
  type TrustFn = (addr: string, hop: number) => boolean;

  /** The client address: the first untrusted hop, walking X-Forwarded-For from the socket outwards. */
  function proxyaddr(req: IncomingMessage, trust: TrustFn | string | string[]): string;

  namespace proxyaddr {
    /** Every address, socket first, stopping after the first untrusted one. */
    function all(req: IncomingMessage, trust?: TrustFn | string | string[]): string[];
    /** Compiles names (loopback, linklocal, uniquelocal), IPs and CIDRs; throws on a bad entry. */
    function compile(val: string | string[]): TrustFn;
  }

  export = proxyaddr;
}
