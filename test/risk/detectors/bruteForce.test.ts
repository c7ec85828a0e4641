import { expect } from 'chai';
import {
  bruteForce,
  DEFAULT_BRUTE_FORCE_CONFIG,
  detectBruteForce,
  type BruteForceConfig,
  type FailuresBeforeSuccess,
} from '../../../src/risk/detectors/bruteForce.js';
import { context, input, PLACES } from '../fixtures.js';

describe('bruteForce detector', () => {
  const cases: {
    name: string;
    before: FailuresBeforeSuccess;
    config?: Partial<BruteForceConfig>;
    expected: boolean;
  }[] = [
    {
      name: 'no failures',
      before: { failures: 0, distinctPasswords: 0, windowMinutes: 60 },
      expected: false,
    },
    {
      name: 'a few typos',
      before: { failures: 3, distinctPasswords: 2, windowMinutes: 60 },
      expected: false,
    },
    {
      name: 'one short of the threshold',
      before: { failures: 5, distinctPasswords: 5, windowMinutes: 60 },
      expected: false,
    },
    {
      name: 'at the threshold',
      before: { failures: 6, distinctPasswords: 6, windowMinutes: 60 },
      expected: true,
    },
    {
      name: 'a guessing run',
      before: { failures: 250, distinctPasswords: 240, windowMinutes: 30 },
      expected: true,
    },
    {
      name: 'a device retrying one stale saved password is not guessing',
      before: { failures: 40, distinctPasswords: 1, windowMinutes: 60 },
      expected: false,
    },
    {
      name: 'two distinct wrong passwords are enough variety',
      before: { failures: 12, distinctPasswords: 2, windowMinutes: 60 },
      expected: true,
    },
    {
      name: 'a lower configured threshold',
      before: { failures: 5, distinctPasswords: 5, windowMinutes: 60 },
      config: { minFailures: 5 },
      expected: true,
    },
    {
      name: 'distinct passwords not tracked (minDistinctPasswords 0)',
      before: { failures: 10, distinctPasswords: 0, windowMinutes: 60 },
      config: { minDistinctPasswords: 0 },
      expected: true,
    },
  ];
  for (const c of cases) {
    it(`${c.name} -> ${c.expected ? 'flagged' : 'not flagged'}`, () => {
      expect(detectBruteForce(c.before, c.config) !== null).to.equal(c.expected);
    });
  }

  it('is a medium, real-time, sign-in scoped detection with the counts as evidence', () => {
    expect(detectBruteForce({ failures: 14, distinctPasswords: 11, windowMinutes: 60 })).to.deep.equal({
      type: 'bruteForce',
      level: 'medium',
      timing: 'realtime',
      scope: 'signIn',
      reason: 'Many failed attempts on this account before this sign-in (14 in 60 minutes)',
      evidence: { failures: 14, distinctPasswords: 11, windowMinutes: 60 },
    });
  });

  it('has the documented defaults', () => {
    expect(DEFAULT_BRUTE_FORCE_CONFIG).to.deep.equal({ minFailures: 6, minDistinctPasswords: 2 });
  });

  it('as a Detector, reads the account failures the pipeline gathered', () => {
    const signals = (failures: number) => ({
      ip: { anonymous: null, malicious: false },
      ipActivity: { failures: 0, distinctUsers: 0, successes: 0 },
      accountFailures: { failures, distinctPasswords: failures, windowMinutes: 15 },
    });
    expect(bruteForce.type).to.equal('bruteForce');
    expect(
      bruteForce.detect(input({ context: context(PLACES.berlin), signals: signals(30) })).map((d) => d.level),
    ).to.deep.equal(['medium']);
    expect(bruteForce.detect(input({ context: context(PLACES.berlin), signals: signals(1) }))).to.deep.equal(
      [],
    );
  });
});
