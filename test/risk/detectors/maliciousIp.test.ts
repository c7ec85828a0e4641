import { expect } from 'chai';
import {
  DEFAULT_MALICIOUS_IP_CONFIG,
  detectMaliciousIp,
  maliciousIp,
  type IpActivity,
} from '../../../src/risk/detectors/maliciousIp.js';
import { context, input, PLACES } from '../fixtures.js';

const QUIET: IpActivity = { failures: 0, distinctUsers: 0, successes: 0 };
const SPRAY: IpActivity = { failures: 40, distinctUsers: 25, successes: 1 };

describe('maliciousIp detector', () => {
  const cases: { name: string; listed: boolean; activity: IpActivity; expected: string | null }[] = [
    { name: 'a quiet, unlisted IP', listed: false, activity: QUIET, expected: null },
    {
      name: 'an IP on the reputation list',
      listed: true,
      activity: QUIET,
      expected: 'Signed in from an IP address on a malicious-IP reputation list',
    },
    {
      name: 'a spraying IP',
      listed: false,
      activity: SPRAY,
      expected: 'Signed in from an IP address that made 40 failed sign-ins across 25 accounts recently',
    },
    {
      name: 'a listed and spraying IP says both',
      listed: true,
      activity: SPRAY,
      expected:
        'Signed in from an IP address on a malicious-IP reputation list that also made 40 failed sign-ins across 25 accounts',
    },
    {
      name: 'exactly at the thresholds',
      listed: false,
      activity: { failures: 20, distinctUsers: 10, successes: 2 }, // 2/22 = 9.1% < 10%
      expected: 'Signed in from an IP address that made 20 failed sign-ins across 10 accounts recently',
    },
    {
      name: 'one failure short',
      listed: false,
      activity: { failures: 19, distinctUsers: 10, successes: 0 },
      expected: null,
    },
    {
      name: 'many failures on too few accounts (one forgetful user)',
      listed: false,
      activity: { failures: 200, distinctUsers: 9, successes: 0 },
      expected: null,
    },
    {
      name: 'a busy office NAT where most sign-ins succeed',
      listed: false,
      activity: { failures: 30, distinctUsers: 50, successes: 400 },
      expected: null,
    },
    {
      name: 'a success rate exactly at the limit',
      listed: false,
      activity: { failures: 27, distinctUsers: 12, successes: 3 }, // 3/30 = 10%
      expected: null,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const draft = detectMaliciousIp({ malicious: c.listed }, c.activity);
      expect(draft?.reason ?? null).to.equal(c.expected);
    });
  }

  it('is a high, real-time, sign-in scoped detection with the numbers as evidence', () => {
    expect(detectMaliciousIp({ malicious: false }, SPRAY)).to.deep.include({
      type: 'maliciousIp',
      level: 'high',
      timing: 'realtime',
      scope: 'signIn',
    });
    expect(detectMaliciousIp({ malicious: true }, SPRAY)!.evidence).to.deep.equal({
      onReputationList: true,
      failurePattern: true,
      failures: 40,
      distinctUsers: 25,
      successes: 1,
      successRate: 0.024,
    });
  });

  it('has the documented defaults and uses a given config', () => {
    expect(DEFAULT_MALICIOUS_IP_CONFIG).to.deep.equal({
      minFailures: 20,
      minDistinctUsers: 10,
      maxSuccessRate: 0.1,
    });
    const strict = { minFailures: 5, minDistinctUsers: 3, maxSuccessRate: 0.5 };
    const activity = { failures: 5, distinctUsers: 3, successes: 4 };
    expect(detectMaliciousIp({ malicious: false }, activity)).to.equal(null);
    expect(detectMaliciousIp({ malicious: false }, activity, strict)?.level).to.equal('high');
  });

  it('as a Detector, reads the reputation and activity the pipeline gathered', () => {
    const signals = (malicious: boolean) => ({
      ip: { anonymous: null, malicious },
      ipActivity: { failures: 0, distinctUsers: 0, successes: 0 },
      accountFailures: { failures: 0, distinctPasswords: 0, windowMinutes: 60 },
    });
    expect(maliciousIp.type).to.equal('maliciousIp');
    expect(
      maliciousIp.detect(input({ context: context(PLACES.berlin), signals: signals(true) })),
    ).to.have.length(1);
    expect(
      maliciousIp.detect(input({ context: context(PLACES.berlin), signals: signals(false) })),
    ).to.deep.equal([]);
  });
});
