import { expect } from 'chai';
import { startRiskgate, IP, MINUTE, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';

const SPRAYED = 'Winter2025!';
const SPRAYER = '198.51.100.7';

describe('password spray', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate({ jobs: { enabled: false, intervalMinutes: 60, lowRiskAgeingDays: 180 } });
  });
  afterEach(() => rg.close());

  async function spray(usernames: string[]) {
    // A fresh session per attempt, as spraying tools do.
    for (const username of usernames) await new TestClient(rg.app, SPRAYER).signIn(username, SPRAYED);
  }

  it('one password tried across many accounts flags the account that let the sprayer in', async () => {
    const victim = await rg.addUser('victim', { password: SPRAYED });
    const others = await Promise.all(Array.from({ length: 10 }, (_, i) => rg.addUser(`user${i}`)));
    await spray(['victim', ...others.map((_, i) => `user${i}`)]);
    expect((await rg.riskgate.store.identities.getIdentity(victim.id)).riskLevel).to.not.equal('high');
    rg.clock.advance(10 * MINUTE);
    const [, sprayRun] = await rg.riskgate.jobs.runDue();
    expect(sprayRun).to.deep.include({ job: 'passwordSpray', ran: true });
    expect(sprayRun!.summary).to.contain('1 spray campaign(s), 1 account(s) flagged');
    const [detection] = await rg.riskgate.store.detections.activeDetections(victim.id);
    expect(detection).to.deep.include({
      type: 'passwordSpray',
      level: 'high',
      timing: 'offline',
      scope: 'user',
    });
    expect((await rg.riskgate.store.identities.getIdentity(victim.id)).riskLevel).to.equal('high');
    for (const [i] of others.entries()) {
      expect(await rg.riskgate.store.detections.activeDetections(others[i]!.id), `user${i}`).to.have.length(
        0,
      );
    }
  });

  it('after a campaign, signing in with the sprayed password is flagged in real time', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => rg.addUser(`user${i}`)));
    await spray(Array.from({ length: 10 }, (_, i) => `user${i}`));
    await rg.riskgate.jobs.runDue();
    const late = await rg.addUser('late', { password: SPRAYED });
    const page = await new TestClient(rg.app, IP.london).signIn('late', SPRAYED);
    expect(page.html).to.contain('may be at risk');
    const types = (await rg.riskgate.store.detections.activeDetections(late.id)).map((d) => d.type);
    expect(types).to.include('passwordSpray');
  });

  it('a few accounts tried with one password is not a campaign, and running again flags nobody twice', async () => {
    await Promise.all(Array.from({ length: 3 }, (_, i) => rg.addUser(`user${i}`)));
    await spray(['user0', 'user1', 'user2']);
    const [, run] = await rg.riskgate.jobs.runDue();
    expect(run!.summary).to.contain('0 spray campaign(s)');
  });

  it('no password is stored: only keyed fingerprints', async () => {
    await rg.addUser('user0');
    await spray(['user0']);
    const rows = await rg.riskgate.store.attempts.sprayCandidates(0, 1);
    expect(rows).to.have.length(1);
    expect(rows[0]!.fingerprint).to.not.contain(SPRAYED);
    expect(rows[0]!.fingerprint).to.match(/^[A-Za-z0-9_-]{43}$/);
  });
});
