import { expect } from 'chai';
import { startRiskgate, IP, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';

const NEW_PASSWORD = 'velvet harbour compass 9';

describe('temporary password and admin-required reset', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate();
  });
  afterEach(() => rg.close());

  it('a temporary password brings the user back to safe and must be changed at the next sign-in', async () => {
    const user = await rg.addUser('dave', { mfa: false });
    await rg.riskgate.store.detections.addDetections(
      user.id,
      null,
      [{ type: 'leakedCredentials', level: 'high', timing: 'offline', scope: 'user', reason: 'test leak' }],
      rg.clock.now(),
    );
    await rg.riskgate.store.identities.updateIdentity(
      user.id,
      { riskLevel: 'high', riskState: 'atRisk' },
      rg.clock.now(),
    );
    const temporary = await rg.riskgate.remediation.issueTemporaryPassword(user.id);
    const identity = await rg.riskgate.store.identities.getIdentity(user.id);
    expect(identity.riskState).to.equal('remediated');
    expect(identity.riskLevel).to.equal('none');

    const client = new TestClient(rg.app, IP.london);
    const change = await client.signIn('dave', temporary);
    expect(change.html).to.contain('name="newPassword"');
    const home = await client.submit('/auth/flow/change-password', {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(home.html).to.contain('signed in as');
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).mustChangePassword).to.equal(false);
  });

  it('a temporary password does not skip MFA on a risky sign-in', async () => {
    const user = await rg.addUser('dave');
    const home = new TestClient(rg.app, IP.london);
    await home.signIn('dave', user.password);
    const temporary = await rg.riskgate.remediation.issueTemporaryPassword(user.id);
    rg.clock.advance(60_000);
    const away = new TestClient(rg.app, IP.sydney);
    const page = await away.signIn('dave', temporary);
    expect(page.html).to.contain('/auth/flow/notice');
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    const change = await away.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    expect(change.html).to.contain('name="newPassword"');
  });

  it('an admin-required reset walks the user through MFA, then a new password', async () => {
    const user = await rg.addUser('erin');
    await rg.riskgate.remediation.requirePasswordReset(user.id);
    const client = new TestClient(rg.app, IP.london);
    const notice = await client.signIn('erin', user.password);
    expect(notice.html).to.contain('administrator');
    await client.submit('/auth/flow/notice', {}, { action: 'continue' });
    await client.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    const home = await client.submit('/auth/flow/change-password', {
      newPassword: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    expect(home.html).to.contain('signed in as');
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).passwordResetRequired).to.equal(false);
  });

  it('an admin-required reset is refused for a user without MFA', async () => {
    const user = await rg.addUser('frank', { mfa: false });
    let refused: unknown = null;
    await rg.riskgate.remediation.requirePasswordReset(user.id).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(Error);
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).passwordResetRequired).to.equal(false);
  });
});
