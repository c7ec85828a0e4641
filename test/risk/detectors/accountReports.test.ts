import { expect } from 'chai';
import { adminConfirmedCompromised } from '../../../src/risk/detectors/adminConfirmedCompromised.js';
import { userReportedSuspicious } from '../../../src/risk/detectors/userReportedSuspicious.js';

describe('detections people report (not run at sign-in)', () => {
  const cases = [
    {
      name: '"This wasn\'t me" is high, about the account, and points at the sign-in',
      draft: userReportedSuspicious('sign-in-1'),
      expected: { type: 'userReportedSuspicious', level: 'high', timing: 'realtime', scope: 'user' },
      evidence: { signInId: 'sign-in-1' },
    },
    {
      name: 'an admin\'s "confirm compromised" on a sign-in is high and offline',
      draft: adminConfirmedCompromised('sign-in-2'),
      expected: { type: 'adminConfirmedCompromised', level: 'high', timing: 'offline', scope: 'user' },
      evidence: { signInId: 'sign-in-2' },
    },
    {
      name: 'an admin\'s "confirm compromised" on the user alone has no sign-in',
      draft: adminConfirmedCompromised(null),
      expected: { type: 'adminConfirmedCompromised', level: 'high', timing: 'offline', scope: 'user' },
      evidence: {},
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(c.draft).to.include(c.expected);
      expect(c.draft.evidence).to.deep.equal(c.evidence);
      expect(c.draft.reason).to.be.a('string').and.not.equal('');
    });
  }
});
