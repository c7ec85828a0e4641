import { expect } from 'chai';
import { IpRangeSet, parseRange } from '../../../src/signals/feeds/ipSet.js';

describe('IpRangeSet', () => {
  const set = IpRangeSet.fromText(
    [
      '# comment line',
      '',
      '192.0.2.10',
      '192.0.2.64/27',
      '198.51.100.0/25',
      '198.51.100.64/26 # nested in the /25, merged away',
      '198.51.100.128/25', // adjacent to the first /25: one /24 after merging
      '10.0.0.0/8 ; Spamhaus-style trailing note',
      '  203.0.113.5  ',
      '0.0.0.0/32',
      '255.255.255.255',
      '2001:db8::/48',
      '2001:DB8:1::1',
      '::ffff:192.0.2.200/126',
      'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128',
    ].join('\r\n'),
  );

  const cases: [string, boolean][] = [
    ['192.0.2.10', true],
    ['192.0.2.9', false],
    ['192.0.2.11', false],
    ['192.0.2.64', true],
    ['192.0.2.95', true],
    ['192.0.2.96', false],
    ['198.51.100.0', true],
    ['198.51.100.127', true],
    ['198.51.100.128', true],
    ['198.51.100.255', true],
    ['198.51.101.0', false],
    ['10.255.255.255', true],
    ['11.0.0.0', false],
    ['203.0.113.5', true],
    ['0.0.0.0', true],
    ['0.0.0.1', false],
    ['255.255.255.255', true],
    ['::ffff:192.0.2.10', true], // dual-stack socket form of a listed IPv4
    ['192.0.2.202', true], // listed as an IPv4-mapped /126
    ['192.0.2.204', false],
    ['2001:db8::1', true],
    ['2001:db8:0:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:db8:1::1', true],
    ['2001:db8:1::2', false],
    ['2001:db8:2::', false],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['fe80::1%eth0', false],
    ['not-an-ip', false],
    ['', false],
  ];
  for (const [ip, expected] of cases) {
    it(`${expected ? 'contains' : 'does not contain'} "${ip}"`, () => {
      expect(set.has(ip)).to.equal(expected);
    });
  }

  it('merges overlapping and adjacent ranges and ignores comments and blank lines', () => {
    // v4: .10, .64/27, 198.51.100/24, 10/8, 203.0.113.5, 0.0.0.0, 255.255.255.255, mapped /126
    // v6: 2001:db8::/48, 2001:db8:1::1, all-ones
    expect(set.size).to.equal(11);
    expect(set.invalidLines).to.equal(0);
  });

  it('counts and skips malformed lines without throwing', () => {
    const lines = [
      '192.0.2.1',
      '192.0.2.300',
      '10.0.0.0/33',
      '10.0.0.0/-1',
      '10.0.0.0/',
      '10.0.0.0/8/8',
      '2001:db8::/129',
      '2001:db8::zz',
      '::ffff:192.0.2.0/95',
      'example.org',
      '1.2.3.4 5.6.7.8',
    ];
    const mixed = new IpRangeSet(lines);
    expect(mixed.size).to.equal(1);
    expect(mixed.invalidLines).to.equal(lines.length - 1);
    expect(mixed.has('192.0.2.1')).to.equal(true);
  });

  it('drops host bits of a CIDR instead of rejecting the line', () => {
    expect(parseRange('192.0.2.77/24')).to.deep.equal({ version: 4, start: 3221225984, end: 3221226239 });
    expect(parseRange('2001:db8::5/127')).to.deep.include({ version: 6 });
    expect(new IpRangeSet(['2001:db8::5/127']).has('2001:db8::4')).to.equal(true);
  });

  it('an empty set contains nothing', () => {
    const empty = new IpRangeSet();
    expect(empty.size).to.equal(0);
    expect(empty.has('192.0.2.1')).to.equal(false);
    expect(empty.has('2001:db8::1')).to.equal(false);
  });

  it('agrees with a linear scan on many random ranges', () => {
    // Deterministic pseudo-random ranges inside 10.0.0.0/16 so they overlap often.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const ranges: [number, number][] = [];
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      const bits = 20 + (next() % 13);
      const size = 2 ** (32 - bits);
      const start = Math.floor((0x0a000000 + (next() % 65536)) / size) * size;
      ranges.push([start, start + size - 1]);
      lines.push(`${[24, 16, 8, 0].map((s) => Math.floor(start / 2 ** s) % 256).join('.')}/${bits}`);
    }
    const random = new IpRangeSet(lines);
    for (let i = 0; i < 2000; i++) {
      const value = 0x0a000000 + (next() % 70000);
      const ip = [24, 16, 8, 0].map((s) => Math.floor(value / 2 ** s) % 256).join('.');
      const expected = ranges.some(([s, e]) => value >= s && value <= e);
      expect(random.has(ip), ip).to.equal(expected);
    }
  });
});
