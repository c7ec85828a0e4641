import { expect } from 'chai';
import { describeOnEveryBackend } from '../helpers/backends.js';
import { TestClient } from '../helpers/client.js';
import { ADMIN, LEAKED, TRAVEL, adminFixtureOn, api, seedRisk } from './helpers.js';

describeOnEveryBackend('admin console and API', {}, (rg) => {
  it('step-up, reports, an action with its audit and history, tokens and session revocation work', async () => {
    const fx = await adminFixtureOn(rg());
    const alice = await rg().addUser('alice');
    const { detections } = await seedRisk(fx, alice.id, 'alice', [TRAVEL, LEAKED]);
    const list = await api(fx).get('/users?level=high');
    expect(list.body.users.map((u: { username: string }) => u.username)).to.deep.equal(['alice']);
    expect((await api(fx).get('/detections?status=active')).body.total).to.equal(2);
    expect(
      (await api(fx).post(`/detections/${detections[1]!.id}/close`, { how: 'resolved', reason: 'rotated' }))
        .status,
    ).to.equal(200);
    expect((await rg().riskgate.store.identities.getIdentity(alice.id)).riskLevel).to.equal('medium');
    const page = await fx.console.get(`${ADMIN}/users/${alice.id}`);
    expect(page.html).to.contain('closeDetection:resolved');

    const browser = new TestClient(rg().app);
    await browser.signIn('alice', alice.password);
    const revoked = await api(fx).post(`/users/${alice.id}/revoke-sessions`, { reason: 'lost phone' });
    expect(revoked.body.sessionsRevoked).to.be.greaterThan(0);
    expect((await browser.get('/', { follow: false })).status).to.equal(303);
    const audit = await api(fx).get('/audit');
    expect(audit.body.entries.map((e: { action: string }) => e.action)).to.deep.equal([
      'user.revokeSessions',
      'detection.resolve',
    ]);
  });
});
