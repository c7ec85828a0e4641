import { expect } from 'chai';
import { leakedCredentials } from '../../../src/risk/detectors/leakedCredentials.js';
import { userReportedSuspicious } from '../../../src/risk/detectors/userReportedSuspicious.js';
import { realtimeDetectors } from '../../../src/risk/detectors/index.js';
import { context, input, PLACES } from '../fixtures.js';

describe('leakedCredentials detector', () => {
  const cases = [
    { name: 'a breached password is a high user-scoped detection', breached: true, expected: ['high'] },
    { name: 'a password not in the corpus is not flagged', breached: false, expected: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const drafts = leakedCredentials.detect(
        input({ context: context(PLACES.berlin), credential: { breached: c.breached } }),
      );
      expect(drafts.map((d) => d.level)).to.deep.equal(c.expected);
    });
  }

  it('scopes the detection to the user, not the sign-in, and says why', () => {
    const [draft] = leakedCredentials.detect(
      input({ context: context(PLACES.berlin), credential: { breached: true } }),
    );
    expect(draft).to.deep.equal({
      type: 'leakedCredentials',
      level: 'high',
      timing: 'realtime',
      scope: 'user',
      reason: 'The password was found in a list of breached or common passwords',
    });
  });
});

describe('userReportedSuspicious draft', () => {
  it('is a high user-scoped detection that names the reported sign-in', () => {
    expect(userReportedSuspicious('s-42')).to.deep.equal({
      type: 'userReportedSuspicious',
      level: 'high',
      timing: 'realtime',
      scope: 'user',
      reason: 'The user reported a sign-in as not theirs',
      evidence: { signInId: 's-42' },
    });
  });
});

describe('realtimeDetectors', () => {
  it('lists each sign-in-time detector once', () => {
    const types = realtimeDetectors().map((d) => d.type);
    expect(types).to.have.members([
      'leakedCredentials',
      'passwordSpray',
      'impossibleTravel',
      'newCountry',
      'unfamiliarFeatures',
      'anonymousIp',
      'maliciousIp',
      'bruteForce',
    ]);
    expect(new Set(types).size).to.equal(types.length);
  });
});
