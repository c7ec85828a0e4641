import { expect } from 'chai';
import { startRiskgate, IP, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';

describe('throttling and smart lockout', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate({
      lockout: { threshold: 3, durationSeconds: 900 },
      throttle: { windowSeconds: 900, maxPerIp: 20, maxPerUsername: 12 },
    });
  });
  afterEach(() => rg.close());

  it('wrong passwords from an unfamiliar device lock out that device but not the owner on a familiar one', async () => {
    const user = await rg.addUser('alice');
    const owner = new TestClient(rg.app, IP.london);
    await owner.signIn('alice', user.password); // a good sign-in makes the owner's device familiar
    await owner.submit('/auth/sign-out');

    const attacker = new TestClient(rg.app, IP.paris);
    for (const guess of ['guess one!', 'guess two!', 'guess three!']) {
      expect((await attacker.signIn('alice', guess)).status).to.equal(401);
    }
    const locked = await attacker.signIn('alice', user.password);
    expect(locked.status).to.equal(429);
    expect(locked.html).to.not.contain('signed in as');

    const ownerAgain = await owner.signIn('alice', user.password);
    expect(ownerAgain.html).to.contain('signed in as');
  });

  it('the same wrong password repeated counts once towards lockout', async () => {
    const user = await rg.addUser('alice');
    const typo = new TestClient(rg.app, IP.paris);
    for (let i = 0; i < 6; i++) await typo.signIn('alice', 'same old typo');
    const page = await typo.signIn('alice', user.password);
    expect(page.status).to.equal(200);
  });

  it('unknown usernames lock out exactly like real ones (no enumeration through lockout)', async () => {
    const attacker = new TestClient(rg.app, IP.paris);
    const statuses: number[] = [];
    for (const guess of ['one one one', 'two two two', 'three three three', 'four four four']) {
      statuses.push((await attacker.signIn('ghost', guess)).status);
    }
    expect(statuses).to.deep.equal([401, 401, 401, 429]);
  });

  it('too many attempts from one IP are throttled', async () => {
    await rg.addUser('alice');
    const noisy = new TestClient(rg.app, IP.tokyo);
    let last = 0;
    for (let i = 0; i < 21; i++) last = (await noisy.signIn(`user${i}`, `password guess ${i}`)).status;
    expect(last).to.equal(429);
  });

  it('throttled and locked attempts are recorded', async () => {
    const user = await rg.addUser('alice');
    const attacker = new TestClient(rg.app, IP.paris);
    for (const guess of ['guess one!', 'guess two!', 'guess three!', 'guess four!'])
      await attacker.signIn('alice', guess);
    const outcomes = (await rg.riskgate.store.signIns.recentSignIns(user.id, 10)).map((s) => s.outcome);
    expect(outcomes).to.deep.equal(['locked', 'wrongPassword', 'wrongPassword', 'wrongPassword']);
  });
});
