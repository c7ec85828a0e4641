import { expect } from 'chai';
import { networkOf, normalizeIp } from '../../src/signals/network.js';

describe('networkOf', () => {
  const cases: [string, string][] = [
    ['1.2.3.4', '1.2.3.0/24'],
    ['81.2.69.142', '81.2.69.0/24'],
    ['::ffff:81.2.69.142', '81.2.69.0/24'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1::/48'],
    ['2001:0DB8:0001::1', '2001:db8:1::/48'],
    ['2001:db8::1', '2001:db8::/48'],
    ['2001::1', '2001::/48'],
    ['2001:0:1::', '2001:0:1::/48'],
    ['::1', '::/48'],
    ['fe80::1%eth0', 'fe80::/48'],
    ['::ffff:0:1.2.3.4', '::/48'],
    ['not-an-ip', 'unknown'],
    ['', 'unknown'],
  ];
  for (const [ip, network] of cases) {
    it(`"${ip}" is in ${network}`, () => {
      expect(networkOf(ip)).to.equal(network);
    });
  }
});

describe('normalizeIp', () => {
  it('strips the IPv4-mapped prefix and lower-cases IPv6', () => {
    expect(normalizeIp('::FFFF:1.2.3.4')).to.equal('1.2.3.4');
    expect(normalizeIp('2001:DB8::1')).to.equal('2001:db8::1');
    expect(normalizeIp(' 1.2.3.4 ')).to.equal('1.2.3.4');
  });
});
