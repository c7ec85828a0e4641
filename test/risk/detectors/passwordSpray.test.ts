import { expect } from 'chai';
import { sprayCampaignDraft, sprayedPassword } from '../../../src/risk/detectors/passwordSpray.js';
import { context, input, PLACES } from '../fixtures.js';

describe('passwordSpray detections', () => {
  const realtime: { name: string; sprayed: boolean | undefined; expected: string[] }[] = [
    {
      name: 'a password seen in a spray campaign is a high, account-wide detection',
      sprayed: true,
      expected: ['high'],
    },
    { name: 'a password never sprayed raises nothing', sprayed: false, expected: [] },
    { name: 'no spray verdict (no fingerprint store) raises nothing', sprayed: undefined, expected: [] },
  ];
  for (const c of realtime) {
    it(c.name, () => {
      const drafts = sprayedPassword.detect(
        input({
          context: context(PLACES.berlin),
          credential: { breached: false, ...(c.sprayed === undefined ? {} : { sprayed: c.sprayed }) },
        }),
      );
      expect(drafts.map((d) => d.level)).to.deep.equal(c.expected);
      for (const d of drafts)
        expect(d).to.include({ type: 'passwordSpray', timing: 'realtime', scope: 'user' });
    });
  }

  it('never sees the password: the verdict comes from outside', () => {
    const drafts = sprayedPassword.detect(
      input({ context: context(PLACES.berlin), credential: { breached: true, sprayed: true } }),
    );
    expect(JSON.stringify(drafts)).not.to.match(/password":/);
  });

  const campaigns: { name: string; accounts: number; ips: number; shownIps: number }[] = [
    { name: 'one address against 10 accounts', accounts: 10, ips: 1, shownIps: 1 },
    {
      name: 'a botnet of 25 addresses against 400 accounts keeps 20 addresses',
      accounts: 400,
      ips: 25,
      shownIps: 20,
    },
  ];
  for (const c of campaigns) {
    it(`offline campaign draft: ${c.name}`, () => {
      const ips = Array.from({ length: c.ips }, (_, i) => `203.0.113.${i + 1}`);
      const draft = sprayCampaignDraft(c.accounts, ips);
      expect(draft).to.include({ type: 'passwordSpray', level: 'high', timing: 'offline', scope: 'user' });
      expect(draft.reason).to.include(`${c.accounts} accounts`);
      const evidence = draft.evidence as { accounts: number; ips: string[] };
      expect(evidence.accounts).to.equal(c.accounts);
      expect(evidence.ips).to.deep.equal(ips.slice(0, c.shownIps));
    });
  }
});
