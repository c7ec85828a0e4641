/**
 * Nobody but an admin who passed MFA in this session reaches the console, and nothing but a live API
 * token reaches the API: every route, enumerated from the router itself.
 */
import { expect } from 'chai';
import request from 'supertest';
import { TestClient } from '../helpers/client.js';
import { ADMIN, API, startAdminFixture, type AdminFixture } from './helpers.js';
import { apiRoutes, concrete, consoleRoutes } from './routes.js';

describe('admin access: every console and API route refuses everyone else', () => {
  let fx: AdminFixture;
  let victimId: string;
  beforeEach(async () => {
    fx = await startAdminFixture();
    victimId = (await fx.rg.addUser('victim')).id;
  });
  afterEach(() => fx.close());

  const gated = () => consoleRoutes(fx.rg.riskgate.admin).filter((r) => !r.path.startsWith('/mfa'));

  it('the route tables are not empty (the enumeration works)', () => {
    expect(gated().length).to.be.greaterThan(15);
    expect(apiRoutes(fx.rg.riskgate.admin).length).to.be.greaterThan(20);
  });

  /** Signs in `username`, then requests every console route with a valid CSRF token; returns what came back. */
  async function sweepConsole(client: TestClient) {
    await client.get('/');
    const csrf = client.hidden('_csrf');
    expect(csrf, 'a CSRF token from the signed-in home page').to.be.a('string');
    const answers: { route: string; status: number; location: string | null; html: string }[] = [];
    for (const route of gated()) {
      const url = `${ADMIN}${concrete(route.path, victimId)}`;
      const page =
        route.method === 'GET'
          ? await client.get(url, { follow: false })
          : await client.postRaw(
              url,
              {
                _csrf: csrf!,
                reason: 'attempt',
                name: 'x',
                how: 'ignored',
                userIds: victimId,
                confirm: 'yes',
              },
              { follow: false },
            );
      answers.push({
        route: `${route.method} ${route.path}`,
        status: page.status,
        location: page.location,
        html: page.html,
      });
    }
    return answers;
  }

  async function nothingChanged() {
    const identity = await fx.rg.riskgate.store.identities.getIdentity(victimId);
    expect(identity).to.include({ blocked: false, riskState: 'none', mustChangePassword: false });
    expect(await fx.rg.riskgate.store.apiTokens.listApiTokens()).to.have.length(1);
    const audit = await fx.rg.riskgate.store.audit.listAudit({ limit: 10 });
    expect(audit).to.have.length(0);
  }

  it('an anonymous browser is sent to sign in (GET) or refused (POST without a session token)', async () => {
    const client = new TestClient(fx.rg.app);
    for (const route of gated()) {
      const url = `${ADMIN}${concrete(route.path, victimId)}`;
      const page =
        route.method === 'GET'
          ? await client.get(url, { follow: false })
          : await client.postRaw(url, { reason: 'x' }, { follow: false });
      if (route.method === 'GET') {
        expect(page.status, route.path).to.equal(303);
        expect(page.location, route.path).to.match(/^\/auth\/sign-in/);
      } else expect(page.status, route.path).to.equal(403);
    }
    await nothingChanged();
  });

  it('an ordinary signed-in user gets 403 "Administrators only" on every console route', async () => {
    const user = await fx.rg.addUser('ordinary');
    const client = new TestClient(fx.rg.app);
    await client.signIn('ordinary', user.password);
    for (const answer of await sweepConsole(client)) {
      expect(answer.status, answer.route).to.equal(403);
      expect(answer.html, answer.route).to.contain('Administrators only');
    }
    await nothingChanged();
  });

  it('an admin without an authenticator is refused everywhere, including the MFA step-up', async () => {
    const bare = await fx.rg.addUser('bare-admin', { mfa: false, roles: ['admin'] });
    const client = new TestClient(fx.rg.app);
    await client.signIn('bare-admin', bare.password);
    for (const answer of await sweepConsole(client)) {
      expect(answer.status, answer.route).to.equal(403);
      expect(answer.html, answer.route).to.contain('An authenticator is required');
    }
    expect((await client.get(`${ADMIN}/mfa`)).status).to.equal(403);
    await nothingChanged();
  });

  it('an admin who has not passed MFA in this session is sent to the step-up on every route', async () => {
    const client = new TestClient(fx.rg.app);
    await client.signIn('root', fx.admin.password);
    for (const answer of await sweepConsole(client)) {
      expect(answer.status, answer.route).to.equal(303);
      expect(answer.location, answer.route).to.match(/^\/admin\/mfa/);
    }
    await nothingChanged();
  });

  for (const kind of [
    'no token',
    'a malformed token',
    'an unknown token',
    'a revoked token',
    'the admin session cookie',
  ] as const) {
    it(`the API answers 401 JSON to ${kind} on every route`, async () => {
      let header: string | null = null;
      if (kind === 'a malformed token') header = 'Bearer not-a-token';
      if (kind === 'an unknown token') header = `Bearer rgat_${'A'.repeat(43)}`;
      if (kind === 'a revoked token') {
        const { token, record } = await fx.rg.riskgate.adminServices.tokens.create('old', {
          kind: 'cli',
          id: 'cli',
          name: 'cli',
        });
        await fx.rg.riskgate.adminServices.tokens.revoke(record.id);
        header = `Bearer ${token}`;
      }
      const cookie = [...fx.console.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      for (const route of apiRoutes(fx.rg.riskgate.admin)) {
        const url = `${API}${concrete(route.path, victimId)}`;
        let req =
          route.method === 'GET'
            ? request(fx.rg.app).get(url)
            : request(fx.rg.app)
                .post(url)
                .send({ reason: 'attempt', userIds: [victimId], name: 'x' });
        if (header) req = req.set('Authorization', header);
        if (kind === 'the admin session cookie') req = req.set('Cookie', cookie);
        const res = await req;
        expect(res.status, `${route.method} ${route.path}`).to.equal(401);
        expect(res.body.error.code).to.be.oneOf(['unauthenticated', 'invalidToken']);
        expect(res.headers['www-authenticate']).to.contain('Bearer');
      }
      const identity = await fx.rg.riskgate.store.identities.getIdentity(victimId);
      expect(identity).to.include({ blocked: false, riskState: 'none' });
      expect(await fx.rg.riskgate.store.audit.listAudit({ limit: 10 })).to.have.length(0);
    });
  }

  it('a token stops working the moment it is revoked', async () => {
    const ok = await request(fx.rg.app).get(`${API}/me`).set('Authorization', `Bearer ${fx.token}`);
    expect(ok.status).to.equal(200);
    const [record] = await fx.rg.riskgate.store.apiTokens.listApiTokens();
    expect(record!.lastUsedAt).to.equal(fx.rg.clock.now());
    await request(fx.rg.app)
      .post(`${API}/tokens/${record!.id}/revoke`)
      .set('Authorization', `Bearer ${fx.token}`)
      .send({});
    const after = await request(fx.rg.app).get(`${API}/me`).set('Authorization', `Bearer ${fx.token}`);
    expect(after.status).to.equal(401);
  });

  it("a console-made token acts with its creator's authority: refused while the creator is blocked or not an admin", async () => {
    const me = () => request(fx.rg.app).get(`${API}/me`).set('Authorization', `Bearer ${fx.token}`);
    expect((await me()).status).to.equal(200);
    await fx.rg.riskgate.store.identities.updateIdentity(fx.admin.id, { blocked: true }, fx.rg.clock.now());
    expect((await me()).status).to.equal(401);
    await fx.rg.riskgate.store.identities.updateIdentity(fx.admin.id, { blocked: false }, fx.rg.clock.now());
    expect((await me()).status).to.equal(200);
    // Roles are read fresh on every request: a user without the admin role (one who lost it in the
    // app's directory) cannot lend a token authority.
    const { token } = await fx.rg.riskgate.adminServices.tokens.create('from a former admin', {
      kind: 'user',
      id: victimId,
      name: 'victim',
    });
    const refused = await request(fx.rg.app).get(`${API}/me`).set('Authorization', `Bearer ${token}`);
    expect(refused.status).to.equal(401);
    const { token: vanished } = await fx.rg.riskgate.adminServices.tokens.create('from a deleted user', {
      kind: 'user',
      id: 'no-such-user',
      name: 'gone',
    });
    const gone = await request(fx.rg.app).get(`${API}/me`).set('Authorization', `Bearer ${vanished}`);
    expect(gone.status).to.equal(401);
  });

  it('a token made through the API by another token stops working when that token is revoked', async () => {
    const made = await request(fx.rg.app)
      .post(`${API}/tokens`)
      .set('Authorization', `Bearer ${fx.token}`)
      .send({ name: 'child', reason: 'test' });
    expect(made.status).to.equal(201);
    const child = (made.body as { token: string }).token;
    const me = () => request(fx.rg.app).get(`${API}/me`).set('Authorization', `Bearer ${child}`);
    expect((await me()).status).to.equal(200);
    const parent = (await fx.rg.riskgate.store.apiTokens.listApiTokens()).find((t) => t.name === 'tests')!;
    await fx.rg.riskgate.adminServices.tokens.revoke(parent.id);
    expect((await me()).status).to.equal(401);
  });

  it('a token made by the operator on the command line needs no admin behind it', async () => {
    const { token } = await fx.rg.riskgate.adminServices.tokens.create('ops', {
      kind: 'cli',
      id: 'cli',
      name: 'operator',
    });
    const ok = await request(fx.rg.app).get(`${API}/me`).set('Authorization', `Bearer ${token}`);
    expect(ok.status).to.equal(200);
  });

  it('a blocked admin loses the console at the next request', async () => {
    expect((await fx.console.get(`${ADMIN}/users`)).status).to.equal(200);
    await fx.rg.riskgate.store.identities.updateIdentity(fx.admin.id, { blocked: true }, fx.rg.clock.now());
    const page = await fx.console.get(`${ADMIN}/users`);
    expect(page.status).to.equal(403);
  });
});
