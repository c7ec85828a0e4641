import { expect } from 'chai';
import { ADMIN, LEAKED, TRAVEL, seedRisk, startAdminFixture, type AdminFixture } from './helpers.js';

describe('admin console pages and forms', () => {
  let fx: AdminFixture;
  let alice: { id: string; password: string };
  beforeEach(async () => {
    fx = await startAdminFixture();
    alice = await fx.rg.addUser('alice');
  });
  afterEach(() => fx.close());

  it('every report page renders with data, with labelled filters', async () => {
    const { signInId } = await seedRisk(fx, alice.id, 'alice', [TRAVEL, LEAKED]);
    for (const path of [
      '/',
      '/users',
      '/sign-ins',
      '/detections',
      '/mfa-registration',
      '/audit',
      '/tokens',
      `/users/${alice.id}`,
      `/sign-ins/${signInId}`,
    ]) {
      const page = await fx.console.get(`${ADMIN}${path}`);
      expect(page.status, path).to.equal(200);
      for (const id of page.html.matchAll(/<(?:input|select)[^>]*\bid="([^"]+)"/g)) {
        expect(page.html, `${path}: label for #${id[1]}`).to.contain(`for="${id[1]}"`);
      }
    }
    const user = await fx.console.get(`${ADMIN}/users/${alice.id}`);
    expect(user.html).to.contain(TRAVEL.reason).and.contain(LEAKED.reason).and.contain('London');
    expect(user.html).to.contain('detection: impossibleTravel, leakedCredentials');
  });

  it('a destructive action asks for confirmation and a reason, then redirects back with a message', async () => {
    await seedRisk(fx, alice.id, 'alice');
    await fx.console.get(`${ADMIN}/users/${alice.id}/actions/dismiss-risk`);
    expect(fx.console.last.html).to.contain('Confirm: dismiss user risk');
    const missing = await fx.console.submit(`/users/${alice.id}/actions/dismiss-risk`, { reason: '' });
    expect(missing.status).to.equal(400);
    expect(missing.html).to.contain('Give a reason');
    expect((await fx.rg.riskgate.store.identities.getIdentity(alice.id)).riskState).to.equal('atRisk');
    const done = await fx.console.submit(`/users/${alice.id}/actions/dismiss-risk`, {
      reason: 'user left the company',
    });
    expect(done.status).to.equal(200);
    expect(done.html).to.contain('Done: dismiss user risk.');
    expect((await fx.rg.riskgate.store.identities.getIdentity(alice.id)).riskState).to.equal('dismissed');
    const [entry] = await fx.rg.riskgate.store.audit.listAudit({ limit: 1 });
    expect(entry).to.include({ action: 'user.dismissRisk', reason: 'user left the company' });
    expect(entry!.actor).to.deep.equal({ kind: 'user', id: fx.admin.id, name: 'root' });
  });

  it('a refused action shows the refusal on the confirmation page', async () => {
    await fx.console.get(`${ADMIN}/users/${alice.id}/actions/unblock`);
    const page = await fx.console.submit(`/users/${alice.id}/actions/unblock`, { reason: 'checking' });
    expect(page.status).to.equal(409);
    expect(page.html).to.contain('This user is not blocked.');
  });

  it('a temporary password is shown once on the answer page, not on the user page', async () => {
    await fx.console.get(`${ADMIN}/users/${alice.id}/actions/temporary-password`);
    const page = await fx.console.submit(`/users/${alice.id}/actions/temporary-password`, {
      reason: 'phone call',
    });
    const temporary = /id="secret" class="secret" readonly value="([^"]+)"/.exec(page.html)![1]!;
    expect(temporary).to.have.length(16);
    expect((await fx.console.get(`${ADMIN}/users/${alice.id}`)).html).to.not.contain(temporary);
  });

  it('closing a detection from the console asks how to close it', async () => {
    const { detections } = await seedRisk(fx, alice.id, 'alice');
    await fx.console.get(`${ADMIN}/detections/${detections[0]!.id}/actions/close`);
    await fx.console.submit(`/detections/${detections[0]!.id}/actions/close`, {
      how: 'falsePositive',
      reason: 'VPN of the office',
    });
    expect(fx.console.last.html).to.contain('Done: close detection.');
    expect((await fx.rg.riskgate.store.detectionActions.getDetection(detections[0]!.id))!.closedBy).to.equal(
      'falsePositive',
    );
  });

  it('bulk dismiss from the risky users list needs the confirmation box', async () => {
    const bob = await fx.rg.addUser('bob');
    await seedRisk(fx, alice.id, 'alice');
    await seedRisk(fx, bob.id, 'bob');
    await fx.console.get(`${ADMIN}/users`);
    const unconfirmed = await fx.console.submit('/users/bulk-dismiss', {
      userIds: alice.id,
      reason: 'cleanup',
    });
    expect(unconfirmed.status).to.equal(400);
    expect((await fx.rg.riskgate.store.identities.getIdentity(alice.id)).riskState).to.equal('atRisk');
    await fx.console.get(`${ADMIN}/users`);
    const formAction = `${ADMIN}/users/bulk-dismiss`;
    const csrf = fx.console.hidden('_csrf')!;
    const page = await fx.console.postRaw(formAction, {
      _csrf: csrf,
      userIds: [alice.id, bob.id],
      reason: 'cleanup',
      confirm: 'yes',
    });
    expect(page.html).to.contain('Dismissed the risk of <strong>2</strong> user(s).');
  });

  it('a form with an expired CSRF token changes nothing and says so', async () => {
    await seedRisk(fx, alice.id, 'alice');
    const page = await fx.console.postRaw(`${ADMIN}/users/${alice.id}/actions/dismiss-risk`, {
      _csrf: 'forged',
      reason: 'x y z',
    });
    expect(page.status).to.equal(403);
    expect(page.html).to.contain('This form has expired');
    expect((await fx.rg.riskgate.store.identities.getIdentity(alice.id)).riskState).to.equal('atRisk');
  });

  it('bad filters and unknown ids answer 400 and 404 pages, never 500', async () => {
    expect((await fx.console.get(`${ADMIN}/users?level=extreme`)).status).to.equal(400);
    expect((await fx.console.get(`${ADMIN}/users?page=0`)).status).to.equal(400);
    expect((await fx.console.get(`${ADMIN}/users/nobody`)).status).to.equal(404);
    expect((await fx.console.get(`${ADMIN}/users/${alice.id}/actions/explode`)).status).to.equal(404);
    expect((await fx.console.get(`${ADMIN}/sign-ins/%00`)).status).to.equal(404);
    expect((await fx.console.get(`${ADMIN}/nowhere`)).status).to.equal(404);
  });

  it('finds any user by username, risky or not', async () => {
    const page = await fx.console.get(`${ADMIN}/users/find?username=ALICE`);
    expect(page.html).to.contain('<h1>alice</h1>');
    expect((await fx.console.get(`${ADMIN}/users/find?username=nobody`)).status).to.equal(404);
    expect((await fx.console.get(`${ADMIN}/users/find?username=`)).status).to.equal(400);
  });
});
