/**
 * The policy endpoints of the admin API with a real bearer token: read, save (versioned, 409 on a
 * conflict, every bad field named), impact preview over stored sign-ins, report-only results paged,
 * history, the "exclude from policy" user action, and the audit log of all of it.
 */
import { expect } from 'chai';
import request from 'supertest';
import { API, api, startAdminFixture, type AdminFixture } from './helpers.js';
import { signInAtHomeThenAbroad } from '../helpers/scenarios.js';
import type { Policies } from '../../src/policy/schema.js';

describe('admin API: policies', () => {
  let fx: AdminFixture;
  beforeEach(async () => {
    fx = await startAdminFixture();
  });
  afterEach(() => fx.close());

  const put = (body: object) =>
    request(fx.rg.app).put(`${API}/policies`).set('Authorization', `Bearer ${fx.token}`).send(body);
  const current = async () =>
    (await api(fx).get('/policies')).body as { version: number; policies: Policies };
  const edited = (policies: Policies, change: (p: Policies) => void) => {
    const copy = structuredClone(policies);
    change(copy);
    return copy;
  };

  it('GET answers the policies in force with version, who, when and why', async () => {
    const res = await api(fx).get('/policies');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ version: 1, reason: 'defaults from the configuration' });
    expect(res.body.policies.signInRisk).to.deep.include({ mode: 'on', mfaAt: 'low' });
    expect(res.body.changedAt).to.match(/^\d{4}-\d\d-\d\dT/);
  });

  it('PUT saves the next version, in force for the next sign-in, and audited with the token', async () => {
    const { version, policies } = await current();
    const next = edited(policies, (p) => (p.signInRisk.blockAt = 'medium'));
    const res = await put({ version, policies: next, reason: 'block risky sign-ins' });
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.include({ version: 2, reason: 'block risky sign-ins' });
    const { notice } = await signInAtHomeThenAbroad(fx.rg, 'alice');
    expect(notice.html).to.contain('blocked');
    const audit = await api(fx).get('/audit?action=policy.update');
    expect(audit.body.entries[0]).to.deep.include({ result: 'ok', reason: 'block risky sign-ins' });
    expect(audit.body.entries[0].actor.kind).to.equal('token');
  });

  it('PUT on a version someone saved over is 409 with the current policies, and audited as refused', async () => {
    const { policies } = await current();
    expect((await put({ version: 1, policies, reason: 'first save' })).status).to.equal(200);
    const res = await put({
      version: 1,
      policies: edited(policies, (p) => (p.userRisk.mode = 'off')),
      reason: 'stale',
    });
    expect(res.status).to.equal(409);
    expect(res.body.error.code).to.equal('versionConflict');
    expect(res.body.error.current.version).to.equal(2);
    expect((await current()).policies.userRisk.mode).to.equal('on');
    const audit = await api(fx).get('/audit?action=policy.update&result=refused');
    expect(audit.body.entries).to.have.length(1);
  });

  it('PUT refuses an incomplete document, a bad value, a missing reason or version, naming the fields', async () => {
    const { version, policies } = await current();
    const partial = { signInRisk: policies.signInRisk };
    const missing = await put({ version, policies: partial, reason: 'partial' });
    expect(missing.status).to.equal(400);
    expect(missing.body.error.code).to.equal('invalidPolicies');
    expect(missing.body.error.issues.map((i: { field: string }) => i.field)).to.include.members([
      'userRisk',
      'mfaRegistration',
    ]);
    const grace = await put({
      version,
      policies: edited(policies, (p) => (p.mfaRegistration.graceDays = 45)),
      reason: 'long',
    });
    expect(grace.body.error.issues[0].field).to.equal('mfaRegistration.graceDays');
    const noReason = await put({ version, policies });
    expect(noReason.status).to.equal(400);
    expect(noReason.body.error.code).to.equal('invalidRequest');
    const noVersion = await put({ policies, reason: 'no version' });
    expect(noVersion.status).to.equal(400);
    expect(noVersion.body.error).to.include({ code: 'invalidInput' });
    const notJson = await request(fx.rg.app)
      .put(`${API}/policies`)
      .set('Authorization', `Bearer ${fx.token}`)
      .set('Content-Type', 'application/json')
      .send('{"version": 1,');
    expect(notJson.status).to.equal(400);
    expect(notJson.body.error.code).to.equal('invalidJson');
    expect((await current()).version).to.equal(1);
  });

  it('preview replays the stored sign-ins and compares the proposal with the policies in force', async () => {
    const { user } = await signInAtHomeThenAbroad(fx.rg, 'alice');
    const { policies } = await current();
    const res = await api(fx).post('/policies/preview', {
      policies: edited(policies, (p) => (p.signInRisk.blockAt = 'low')),
      days: 7,
    });
    expect(res.status).to.equal(200);
    expect(res.body.days).to.equal(7);
    expect(res.body.proposed.outcomes.block.users).to.be.at.least(1);
    expect(res.body.current.outcomes.block.signIns).to.equal(0);
    expect(
      res.body.examples.some(
        (e: { userId: string; proposed: string }) =>
          e.userId === user.id && e.proposed === 'block (signInRisk)',
      ),
    ).to.equal(true);
    const bad = await api(fx).post('/policies/preview', { policies, days: 0 });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('invalidRequest');
    expect((await current()).version).to.equal(1);
  });

  it('report-only results page with a cursor and refuse bad filters', async () => {
    const { version, policies } = await current();
    await put({
      version,
      policies: edited(policies, (p) => (p.signInRisk.mode = 'reportOnly')),
      reason: 'try it first',
    });
    await signInAtHomeThenAbroad(fx.rg, 'alice');
    await signInAtHomeThenAbroad(fx.rg, 'bob');
    const first = await api(fx).get('/policies/report-only?policy=signInRisk&wouldHave=requireMfa&limit=1');
    expect(first.status).to.equal(200);
    expect(first.body.items).to.have.length(1);
    expect(first.body.items[0].username).to.equal('bob');
    expect(first.body.items[0].reportOnly).to.deep.equal([{ policy: 'signInRisk', wouldHave: 'requireMfa' }]);
    const second = await api(fx).get(`/policies/report-only?limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((i: { username: string }) => i.username)).to.deep.equal(['alice']);
    expect(second.body.nextCursor).to.equal(null);
    const bad = await api(fx).get('/policies/report-only?wouldHave=maybe');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('invalidRequest');
  });

  it('history lists saved versions newest first', async () => {
    const { version, policies } = await current();
    await put({ version, policies, reason: 'same again' });
    const res = await api(fx).get('/policies/history?limit=5');
    expect(res.body.versions.map((v: { version: number }) => v.version)).to.deep.equal([2, 1]);
    expect((await api(fx).get('/policies/history?limit=0')).status).to.equal(400);
  });

  it('the "exclude from policy" user action adds the user to the stored policy, once', async () => {
    const user = await fx.rg.addUser('travelling-analyst');
    const body = { policy: 'signInRisk', reason: 'travels every week' };
    const res = await api(fx).post(`/users/${user.id}/exclude-from-policy`, body);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    const { policies, version } = await current();
    expect(policies.signInRisk.scope.excludeUsers).to.deep.equal([user.id]);
    expect(version).to.equal(2);
    const again = await api(fx).post(`/users/${user.id}/exclude-from-policy`, body);
    expect(again.status).to.equal(409);
    expect(again.body.error.code).to.equal('alreadyExcluded');
  });
});
