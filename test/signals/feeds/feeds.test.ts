import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { IpFeeds, type IpLookup } from '../../../src/signals/feeds/feeds.js';
import { IpRangeSet } from '../../../src/signals/feeds/ipSet.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/feeds/', import.meta.url));

/** The error a promise rejects with; fails the test when it resolves. */
async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('IpFeeds', () => {
  let feeds: IpFeeds;
  before(async () => {
    feeds = await IpFeeds.load(FIXTURES);
  });

  const cases: [string, IpLookup][] = [
    ['192.0.2.10', { anonymous: 'tor', malicious: false }],
    ['192.0.2.11', { anonymous: 'tor', malicious: false }], // on both Tor and VPN lists: Tor wins
    ['198.51.100.7', { anonymous: 'tor', malicious: false }], // Tor inside a VPN and a hosting range
    ['198.51.100.8', { anonymous: 'vpn', malicious: false }], // VPN /25 inside a hosting /24
    ['198.51.100.200', { anonymous: 'hosting', malicious: false }],
    ['198.18.10.1', { anonymous: 'tor', malicious: false }],
    ['198.18.10.2', { anonymous: 'vpn', malicious: false }],
    ['198.19.0.1', { anonymous: 'hosting', malicious: false }],
    ['198.19.200.9', { anonymous: 'hosting', malicious: true }], // both answers are independent
    ['203.0.113.66', { anonymous: 'hosting', malicious: true }],
    ['203.0.113.140', { anonymous: null, malicious: true }],
    ['203.0.113.200', { anonymous: null, malicious: true }], // a line with an inline comment
    ['203.0.113.201', { anonymous: null, malicious: false }],
    ['::ffff:192.0.2.70', { anonymous: 'tor', malicious: false }],
    ['2001:db8:71::abcd', { anonymous: 'tor', malicious: false }],
    ['2001:db8:ff12::1', { anonymous: 'vpn', malicious: false }],
    ['2001:db8:a123::1', { anonymous: 'hosting', malicious: false }],
    ['2001:db8:bad::1', { anonymous: null, malicious: true }],
    ['2001:db8:bae::1', { anonymous: null, malicious: false }],
    ['8.8.8.8', { anonymous: null, malicious: false }],
    ['garbage', { anonymous: null, malicious: false }],
  ];
  for (const [ip, expected] of cases) {
    it(`looks up ${ip}`, () => {
      expect(feeds.lookup(ip)).to.deep.equal(expected);
    });
  }

  it('counts merged ranges and malformed lines per feed', () => {
    expect(feeds.counts()).to.deep.equal({
      tor: { ranges: 6, invalidLines: 1 },
      vpn: { ranges: 4, invalidLines: 1 },
      hosting: { ranges: 4, invalidLines: 1 },
      malicious: { ranges: 5, invalidLines: 1 },
    });
  });

  describe('with missing files', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-feeds-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('treats a missing feed as empty', async () => {
      writeFileSync(path.join(dir, 'tor.txt'), '192.0.2.1\n');
      const partial = await IpFeeds.load(dir);
      expect(partial.lookup('192.0.2.1')).to.deep.equal({ anonymous: 'tor', malicious: false });
      expect(partial.counts().malicious).to.deep.equal({ ranges: 0, invalidLines: 0 });
    });

    it('treats a missing directory as no feeds', async () => {
      const none = await IpFeeds.load(path.join(dir, 'does-not-exist'));
      expect(none.lookup('192.0.2.10')).to.deep.equal({ anonymous: null, malicious: false });
    });

    it('surfaces an unreadable feed (a directory in its place) instead of hiding it', async () => {
      mkdirSync(path.join(dir, 'vpn.txt'));
      expect(await rejectionOf(IpFeeds.load(dir))).to.be.instanceOf(Error);
    });
  });

  it('empty() lists nothing and fromSets() fills the rest with empty sets', () => {
    expect(IpFeeds.empty().lookup('192.0.2.10')).to.deep.equal({ anonymous: null, malicious: false });
    const custom = IpFeeds.fromSets({ hosting: new IpRangeSet(['192.0.2.0/24']) });
    expect(custom.lookup('192.0.2.10')).to.deep.equal({ anonymous: 'hosting', malicious: false });
    expect(custom.counts().tor.ranges).to.equal(0);
  });
});
