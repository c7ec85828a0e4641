import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { clientIp, compileTrustProxy, type TrustProxySetting } from '../../src/signals/clientIp.js';

/** Just what proxy-addr (via forwarded) reads: the socket peer and the X-Forwarded-For header. */
function request(remoteAddress: string | undefined, forwardedFor?: string): IncomingMessage {
  const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
  return { socket: { remoteAddress }, headers } as unknown as IncomingMessage;
}

interface Case {
  name: string;
  trust: TrustProxySetting;
  socket: string;
  xff?: string;
  expected: string;
}

const cases: Case[] = [
  {
    name: 'untrusted proxy: X-Forwarded-For is ignored',
    trust: false,
    socket: '203.0.113.9',
    xff: '1.1.1.1',
    expected: '203.0.113.9',
  },
  { name: 'no header: the socket peer', trust: true, socket: '203.0.113.9', expected: '203.0.113.9' },
  {
    name: 'trust all: the left-most forwarded address',
    trust: true,
    socket: '10.0.0.2',
    xff: '1.1.1.1, 10.0.0.1',
    expected: '1.1.1.1',
  },
  {
    name: 'one trusted hop: the address the proxy saw, not what the client claimed',
    trust: 1,
    socket: '10.0.0.2',
    xff: '6.6.6.6, 1.1.1.1',
    expected: '1.1.1.1',
  },
  {
    name: 'two trusted hops',
    trust: 2,
    socket: '10.0.0.2',
    xff: '6.6.6.6, 1.1.1.1, 10.0.0.1',
    expected: '1.1.1.1',
  },
  {
    name: 'loopback proxy is trusted by name',
    trust: 'loopback',
    socket: '127.0.0.1',
    xff: '1.1.1.1',
    expected: '1.1.1.1',
  },
  {
    name: 'a peer outside the trusted names is not believed',
    trust: 'loopback',
    socket: '203.0.113.9',
    xff: '1.1.1.1',
    expected: '203.0.113.9',
  },
  {
    name: 'comma-separated CIDRs',
    trust: 'loopback, 10.0.0.0/8',
    socket: '10.1.2.3',
    xff: '1.1.1.1',
    expected: '1.1.1.1',
  },
  {
    name: 'a list of names and CIDRs walks through every trusted hop',
    trust: ['uniquelocal', '127.0.0.1/8'],
    socket: '127.0.0.1',
    xff: '1.1.1.1, 192.168.0.5',
    expected: '1.1.1.1',
  },
  {
    name: 'IPv4-mapped IPv6 socket address is reported as IPv4',
    trust: false,
    socket: '::ffff:198.51.100.4',
    expected: '198.51.100.4',
  },
  {
    name: 'IPv4-mapped loopback proxy is still trusted',
    trust: 'loopback',
    socket: '::ffff:127.0.0.1',
    xff: '1.1.1.1',
    expected: '1.1.1.1',
  },
  {
    name: 'IPv6 client via a trusted proxy',
    trust: true,
    socket: '127.0.0.1',
    xff: '2001:DB8::1',
    expected: '2001:db8::1',
  },
  {
    name: 'a port appended by the proxy is dropped',
    trust: true,
    socket: '127.0.0.1',
    xff: '1.1.1.1:5678',
    expected: '1.1.1.1',
  },
  {
    name: 'garbage from a trusted proxy falls back to the socket peer',
    trust: true,
    socket: '127.0.0.1',
    xff: '<script>',
    expected: '127.0.0.1',
  },
];

describe('clientIp', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(clientIp(request(c.socket, c.xff), compileTrustProxy(c.trust))).to.equal(c.expected);
    });
  }

  it('a closed socket with no address yields an empty string, not a crash', () => {
    expect(clientIp(request(undefined), compileTrustProxy(false))).to.equal('');
  });

  it('a malformed trust setting fails when compiled (at boot)', () => {
    expect(() => compileTrustProxy('not-a-cidr')).to.throw();
  });
});
