import { expect } from 'chai';
import request from 'supertest';
import { TestClient } from '../helpers/client.js';
import { ADMIN, API, api, nextCode, signInAdmin, startAdminFixture, type AdminFixture } from './helpers.js';
import { IP, MINUTE, startRiskgate } from '../helpers/riskgate.js';
import { describeCredentials } from '../../src/admin/bootstrap.js';

describe('admin foundation: console access, MFA step-up, tokens, audit', () => {
  let fx: AdminFixture;
  beforeEach(async () => {
    fx = await startAdminFixture();
  });
  afterEach(() => fx.close());

  it('an admin reaches the console only after MFA in this session', async () => {
    const page = await fx.console.get(`${ADMIN}/`);
    expect(page.status).to.equal(200);
    expect(page.html).to.contain('Users at risk');
  });

  it('a wrong step-up code is refused and the console stays closed', async () => {
    const client = new TestClient(fx.rg.app);
    await client.signIn('root', fx.admin.password);
    await client.get(`${ADMIN}/audit`);
    const page = await client.submit(`${ADMIN}/mfa`, { code: '000000' });
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('That code did not work');
    const again = await client.get(`${ADMIN}/audit`, { follow: false });
    expect(again.status).to.equal(303);
    expect(again.location).to.equal(`${ADMIN}/mfa?returnTo=${encodeURIComponent(`${ADMIN}/audit`)}`);
    await client.get(again.location!);
    await client.submit(`${ADMIN}/mfa`, { code: nextCode(fx.rg, fx.admin.totpSecret!) });
    expect(client.last.html).to.contain('<h1>Audit log</h1>');
  });

  it('a token created in the console is shown once, works on the API, and is audited', async () => {
    await fx.console.get(`${ADMIN}/tokens`);
    const page = await fx.console.submit(`${ADMIN}/tokens`, { name: 'ci job', reason: 'nightly export' });
    expect(page.status).to.equal(201);
    const token = /value="(rgat_[^"]+)"/.exec(page.html)![1]!;
    const me = await request(fx.rg.app).get(`${API}/me`).set('Authorization', `Bearer ${token}`);
    expect(me.status).to.equal(200);
    expect(me.body.actor.kind).to.equal('token');
    const audit = await api(fx).get('/audit?action=token.create');
    expect(audit.body.entries[0]).to.include({
      action: 'token.create',
      reason: 'nightly export',
      result: 'ok',
    });
    expect(audit.body.entries[0].actor).to.deep.equal({ kind: 'user', id: fx.admin.id, name: 'root' });
    expect(JSON.stringify(audit.body)).to.not.contain(token);
  });
});

describe('admin foundation: the first admin', () => {
  it('is created once when there is no admin, and its one-time credentials open the console', async () => {
    const rg = await startRiskgate();
    try {
      const credentials = await rg.riskgate.adminServices.firstAdmin();
      expect(credentials!.username).to.equal('admin');
      expect(await rg.riskgate.adminServices.firstAdmin()).to.equal(null);
      expect(describeCredentials(credentials!).join('\n')).to.contain(credentials!.password);
      const client = await signInAdmin(rg, 'admin', credentials!.password, credentials!.totpSecret);
      expect((await client.get(`${ADMIN}/`)).html).to.contain('Users at risk');
    } finally {
      await rg.close();
    }
  });
});

describe('admin foundation: instances starting together', () => {
  it('create one first admin between them; the others get none and do not fail', async () => {
    const rg = await startRiskgate();
    try {
      const results = await Promise.all([1, 2, 3].map(() => rg.riskgate.adminServices.firstAdmin()));
      expect(results.filter((r) => r !== null)).to.have.length(1);
      expect(await rg.riskgate.store.reports.usersWithRole('admin', 10)).to.have.length(1);
    } finally {
      await rg.close();
    }
  });
});

describe('admin foundation: MFA passed at sign-in counts for the console', () => {
  it('an admin whose risky sign-in went through MFA opens the console without a second code', async () => {
    const rg = await startRiskgate();
    try {
      const boss = await rg.addUser('boss', { roles: ['admin'] });
      await new TestClient(rg.app, IP.london).signIn('boss', boss.password);
      rg.clock.advance(60 * MINUTE);
      const away = new TestClient(rg.app, IP.tokyo);
      await away.signIn('boss', boss.password);
      await away.submit('/auth/flow/notice', {}, { action: 'continue' });
      await away.submit('/auth/flow/mfa', { code: rg.totp(boss.totpSecret!) });
      const page = await away.get(`${ADMIN}/`, { follow: false });
      expect(page.status).to.equal(200);
      expect(page.html).to.contain('Users at risk');
    } finally {
      await rg.close();
    }
  });
});
