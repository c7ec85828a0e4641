import { expect } from 'chai';
import { detectSessionAnomaly } from '../../../src/risk/detectors/sessionAnomaly.js';

describe('sessionAnomaly detector', () => {
  const cases: {
    name: string;
    issuedTo: string | undefined;
    presented: string | null;
    expected: 'none' | 'medium';
    presentedCookie?: boolean;
  }[] = [
    {
      name: 'the browser the session was issued to',
      issuedTo: 'dev-a',
      presented: 'dev-a',
      expected: 'none',
    },
    {
      name: 'another browser, with its own device cookie',
      issuedTo: 'dev-a',
      presented: 'dev-b',
      expected: 'medium',
      presentedCookie: true,
    },
    {
      name: 'a browser without any device cookie (the session cookie alone was copied)',
      issuedTo: 'dev-a',
      presented: null,
      expected: 'medium',
      presentedCookie: false,
    },
    {
      name: 'a session from before sessions were bound (nothing to compare)',
      issuedTo: undefined,
      presented: 'dev-b',
      expected: 'none',
    },
    {
      name: 'an unbound session used without a cookie',
      issuedTo: undefined,
      presented: null,
      expected: 'none',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.expected}`, () => {
      const draft = detectSessionAnomaly(c.issuedTo, c.presented, '203.0.113.0/24');
      if (c.expected === 'none') return expect(draft).to.equal(null);
      expect(draft).to.include({
        type: 'sessionAnomaly',
        level: 'medium',
        timing: 'realtime',
        scope: 'user',
      });
      expect(draft!.evidence).to.deep.equal({
        presentedDeviceCookie: c.presentedCookie,
        network: '203.0.113.0/24',
      });
    });
  }

  it('never puts either device id in the evidence (whoever reads it could replay the cookie)', () => {
    const draft = detectSessionAnomaly('secret-device-a', 'secret-device-b', 'AS3320');
    expect(JSON.stringify(draft)).not.to.match(/secret-device/);
  });
});
