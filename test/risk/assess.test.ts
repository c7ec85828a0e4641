import { expect } from 'chai';
import type { DetectionLevel, RiskLevel } from '../../src/domain/risk.js';
import { assessSignIn, familiarFeaturesOf, userRisk } from '../../src/risk/assess.js';
import { realtimeDetectors } from '../../src/risk/detectors/index.js';
import { context, familiar, HOUR, input, past, PLACES, T0 } from './fixtures.js';

describe('userRisk', () => {
  const cases: { name: string; active: DetectionLevel[]; expected: RiskLevel }[] = [
    { name: 'no active detections is no risk', active: [], expected: 'none' },
    { name: 'one low detection is low', active: ['low'], expected: 'low' },
    { name: 'two low detections escalate to medium', active: ['low', 'low'], expected: 'medium' },
    { name: 'one medium detection is medium', active: ['medium'], expected: 'medium' },
    {
      name: 'one medium with lows stays medium (lows do not escalate a medium)',
      active: ['low', 'medium', 'low'],
      expected: 'medium',
    },
    { name: 'several medium detections escalate to high', active: ['medium', 'medium'], expected: 'high' },
    { name: 'one high detection is high', active: ['high'], expected: 'high' },
    {
      name: 'several high detections stay high (the top level)',
      active: ['high', 'high', 'medium'],
      expected: 'high',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(userRisk(c.active.map((level) => ({ level })))).to.equal(c.expected);
    });
  }
});

describe('assessSignIn', () => {
  it('a clean sign-in from a familiar place has no risk and no drafts', () => {
    const result = assessSignIn(
      realtimeDetectors(),
      input({
        context: context(PLACES.berlin, T0 + HOUR),
        history: { lastSuccess: past(PLACES.berlin, T0), familiar: familiar('country', 'DE') },
      }),
    );
    expect(result).to.deep.equal({ drafts: [], signInRisk: 'none' });
  });

  it('sign-in risk is the highest sign-in-scoped level (impossible travel high over new country low)', () => {
    const result = assessSignIn(
      realtimeDetectors(),
      input({
        context: context(PLACES.sydney, T0 + HOUR),
        history: { lastSuccess: past(PLACES.berlin, T0), familiar: familiar('country', 'DE') },
      }),
    );
    expect(result.drafts.map((d) => d.type)).to.have.members(['impossibleTravel', 'newCountry']);
    expect(result.signInRisk).to.equal('high');
  });

  it('a leaked password raises user risk but not sign-in risk (user scope)', () => {
    const result = assessSignIn(
      realtimeDetectors(),
      input({ context: context(PLACES.berlin), credential: { breached: true } }),
    );
    expect(result.drafts.map((d) => d.type)).to.deep.equal(['leakedCredentials']);
    expect(result.signInRisk).to.equal('none');
  });
});

describe('familiarFeaturesOf', () => {
  it('learns country, country-qualified city, network, browser family, OS and device cookie', () => {
    expect(familiarFeaturesOf(context(PLACES.berlin))).to.deep.equal({
      country: 'DE',
      city: 'DE/Berlin',
      network: '203.0.113.0/24',
      browser: 'Firefox',
      os: 'Linux',
      device: 'dev-1',
    });
  });

  it('leaves unknown features null so nothing false is learned', () => {
    const ctx = context(PLACES.unknown);
    ctx.network = 'unknown';
    ctx.device = { ...ctx.device, browserFamily: null, os: null, deviceId: null };
    expect(familiarFeaturesOf(ctx)).to.deep.equal({
      country: null,
      city: null,
      network: null,
      browser: null,
      os: null,
      device: null,
    });
  });
});
