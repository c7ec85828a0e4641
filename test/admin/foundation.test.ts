import { expect } from 'chai';
import request from 'supertest';
import { TestClient } from '../helpers/client.js';
import { ADMIN, API, api, nextCode, startAdminFixture, type AdminFixture } from './helpers.js';

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
