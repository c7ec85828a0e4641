import { expect } from 'chai';
import type { AnonymousKind } from '../../../src/signals/feeds/feeds.js';
import { IpFeeds } from '../../../src/signals/feeds/feeds.js';
import { IpRangeSet } from '../../../src/signals/feeds/ipSet.js';
import { anonymousIp, detectAnonymousIp } from '../../../src/risk/detectors/anonymousIp.js';
import { context, input, PLACES } from '../fixtures.js';

describe('anonymousIp detector', () => {
  const cases: { anonymous: AnonymousKind | null; reason: string | null }[] = [
    { anonymous: 'tor', reason: 'Signed in through Tor' },
    { anonymous: 'vpn', reason: 'Signed in through a VPN or anonymising proxy' },
    { anonymous: 'hosting', reason: "Signed in from a hosting provider's network" },
    { anonymous: null, reason: null },
  ];
  for (const c of cases) {
    it(`${c.anonymous ?? 'an unlisted IP'} -> ${c.reason ?? 'no detection'}`, () => {
      const draft = detectAnonymousIp({ anonymous: c.anonymous });
      expect(draft?.reason ?? null).to.equal(c.reason);
      if (draft) {
        expect(draft).to.deep.equal({
          type: 'anonymousIp',
          level: 'medium',
          timing: 'realtime',
          scope: 'signIn',
          reason: c.reason,
          evidence: { kind: c.anonymous },
        });
      }
    });
  }

  it('as a Detector, reads the feed verdict the pipeline gathered for the sign-in', () => {
    const feeds = IpFeeds.fromSets({ tor: new IpRangeSet(['203.0.113.0/24']) });
    const signals = (ip: string) => ({
      ip: feeds.lookup(ip),
      ipActivity: { failures: 0, distinctUsers: 0, successes: 0 },
      accountFailures: { failures: 0, distinctPasswords: 0, windowMinutes: 60 },
    });
    expect(anonymousIp.type).to.equal('anonymousIp');
    const drafts = anonymousIp.detect(
      input({ context: context(PLACES.berlin), signals: signals('203.0.113.7') }),
    );
    expect(drafts.map((d) => d.reason)).to.deep.equal(['Signed in through Tor']);
    expect(
      anonymousIp.detect(input({ context: context(PLACES.berlin), signals: signals('81.2.69.142') })),
    ).to.deep.equal([]);
    expect(anonymousIp.detect(input({ context: context(PLACES.berlin) }))).to.deep.equal([]);
  });
});
