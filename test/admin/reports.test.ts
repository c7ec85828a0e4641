import { expect } from 'chai';
import { DAY } from '../helpers/riskgate.js';
import { LEAKED, TRAVEL, api, seedRisk, startAdminFixture, type AdminFixture } from './helpers.js';

describe('admin reports (API): server-side paging, filters and sort', () => {
  let fx: AdminFixture;
  beforeEach(async () => {
    fx = await startAdminFixture({ policies: { mfaRegistration: { mode: 'on', graceDays: 10 } } });
  });
  afterEach(() => fx.close());

  async function riskyPopulation() {
    const ids: Record<string, string> = {};
    for (let i = 0; i < 7; i++) {
      const name = `u${i}`;
      const user = await fx.rg.addUser(name, { mfa: false });
      ids[name] = user.id;
      fx.rg.clock.advance(1000);
      await seedRisk(fx, user.id, name, i % 3 === 0 ? [LEAKED] : [TRAVEL]);
    }
    return ids;
  }

  it('risky users page on the server, newest first, with a total', async () => {
    const ids = await riskyPopulation();
    const first = await api(fx).get('/users?perPage=3');
    expect(first.body).to.include({ total: 7, page: 1, perPage: 3, pages: 3 });
    expect(first.body.users.map((u: { username: string }) => u.username)).to.deep.equal(['u6', 'u5', 'u4']);
    const last = await api(fx).get('/users?perPage=3&page=3');
    expect(last.body.users.map((u: { userId: string }) => u.userId)).to.deep.equal([ids.u0]);
  });

  it('risky users filter by level and state, and sort by level', async () => {
    await riskyPopulation();
    const high = await api(fx).get('/users?level=high');
    expect(high.body.total).to.equal(3);
    expect(high.body.users.every((u: { riskLevel: string }) => u.riskLevel === 'high')).to.equal(true);
    const byLevel = await api(fx).get('/users?sort=level&order=desc&perPage=7');
    expect(byLevel.body.users.map((u: { riskLevel: string }) => u.riskLevel)).to.deep.equal([
      'high',
      'high',
      'high',
      'medium',
      'medium',
      'medium',
      'medium',
    ]);
    const dismissed = await api(fx).get('/users?state=dismissed');
    expect(dismissed.body.total).to.equal(0);
    const both = await api(fx).get('/users?level=high,medium&state=atRisk');
    expect(both.body.total).to.equal(7);
  });

  it('bad filters are a JSON 400 naming the field', async () => {
    const res = await api(fx).get('/users?level=extreme');
    expect(res.status).to.equal(400);
    expect(res.body.error).to.include({ code: 'invalidInput', field: 'level.0' });
    expect((await api(fx).get('/users?perPage=1000')).body.error.field).to.equal('perPage');
  });

  it('risky sign-ins and detections page and filter', async () => {
    const ids = await riskyPopulation();
    const signIns = await api(fx).get('/sign-ins?level=high&perPage=2');
    expect(signIns.body.total).to.equal(3);
    expect(signIns.body.signIns).to.have.length(2);
    const mine = await api(fx).get(`/sign-ins?user=${ids.u1}`);
    expect(mine.body.total).to.equal(1);
    const travel = await api(fx).get('/detections?type=impossibleTravel&status=active');
    expect(travel.body.total).to.equal(4);
    expect(travel.body.detections[0]).to.include({ username: 'u5', reason: TRAVEL.reason });
    expect((await api(fx).get('/detections?status=closed')).body.total).to.equal(0);
  });

  it('MFA registration: registered, in grace with days left, not registered', async () => {
    const inGrace = await fx.rg.addUser('newbie', { mfa: false });
    const late = await fx.rg.addUser('late', { mfa: false });
    const now = fx.rg.clock.now();
    await fx.rg.riskgate.store.identities.updateIdentity(inGrace.id, { mfaPromptedAt: now - 3 * DAY }, now);
    await fx.rg.riskgate.store.identities.updateIdentity(late.id, { mfaPromptedAt: now - 11 * DAY }, now);
    await fx.rg.addUser('never', { mfa: false });
    const all = await api(fx).get('/mfa-registration');
    expect(all.body.counts).to.deep.equal({ registered: 1, inGrace: 1, notRegistered: 2 });
    expect(all.body.graceDays).to.equal(10);
    const grace = await api(fx).get('/mfa-registration?status=inGrace');
    expect(grace.body.users).to.deep.equal([
      { userId: inGrace.id, username: 'newbie', status: 'inGrace', promptedAt: now - 3 * DAY, daysLeft: 7 },
    ]);
    const missing = await api(fx).get('/mfa-registration?status=notRegistered');
    expect(missing.body.users.map((u: { username: string }) => u.username)).to.deep.equal(['late', 'never']);
  });

  it('looks any user up by username', async () => {
    const bob = await fx.rg.addUser('bob');
    expect((await api(fx).get('/users/lookup?username=bob')).body).to.deep.equal({
      userId: bob.id,
      username: 'bob',
    });
    expect((await api(fx).get('/users/lookup?username=nobody')).status).to.equal(404);
    expect((await api(fx).get('/users/lookup')).body.error.field).to.equal('username');
  });
});
