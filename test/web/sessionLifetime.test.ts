/**
 * ASVS 3.3.2: a signed-in session ends a fixed time after sign-in however busy it is, and after an
 * idle spell; an ended session is gone from the store, so its cookie replayed elsewhere opens nothing.
 * Riskgate's injected clock moves time; the stores are real (every backend).
 */
import { expect } from 'chai';
import express from 'express';
import request from 'supertest';
import { describeOnEveryBackend } from '../helpers/backends.js';
import { TestClient, formsOf } from '../helpers/client.js';
import { IP, MINUTE, type TestRiskgate } from '../helpers/riskgate.js';
import { ADMIN, signInAdmin } from '../admin/helpers.js';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import { SESSION_COOKIE, createSessionMiddleware } from '../../src/web/session.js';

const HOUR = 60 * MINUTE;
const SIGN_IN = /^\/auth\/sign-in/;

async function signedIn(rg: TestRiskgate, username: string) {
  const user = await rg.addUser(username);
  const client = new TestClient(rg.app, IP.london);
  expect((await client.signIn(username, user.password)).html).to.contain('signed in as');
  return { user, client };
}

/** Uses the session every `stepMs` until `untilMs` after now; every request must still be signed in. */
async function keepBusy(rg: TestRiskgate, client: TestClient, stepMs: number, untilMs: number) {
  for (let spent = stepMs; spent <= untilMs; spent += stepMs) {
    rg.clock.advance(stepMs);
    expect((await client.get('/', { follow: false })).status, `at ${spent / MINUTE} min`).to.equal(200);
  }
}

// The test harness turns the idle limit off (helpers/riskgate.ts): on here at Riskgate's default.
describeOnEveryBackend('sessions: absolute and idle lifetime', { sessionIdleMinutes: 30 }, (rg) => {
  it('a session used every 20 minutes still ends 8 hours after sign-in, is destroyed in the store, and its cookie replayed elsewhere opens nothing', async () => {
    const { user, client } = await signedIn(rg(), 'alice');
    const cookie = client.cookies.get(SESSION_COOKIE)!;
    await keepBusy(rg(), client, 20 * MINUTE, 8 * HOUR - 20 * MINUTE);
    expect(await rg().riskgate.store.sessions.userSessions(user.id)).to.have.length(1);
    rg().clock.advance(20 * MINUTE);
    const page = await client.get('/', { follow: false });
    expect(page.status).to.equal(303);
    expect(page.location).to.match(SIGN_IN);
    expect(await rg().riskgate.store.sessions.userSessions(user.id)).to.have.length(0);
    const thief = new TestClient(rg().app, IP.london);
    thief.cookies.set(SESSION_COOKIE, cookie);
    expect((await thief.get('/', { follow: false })).location).to.match(SIGN_IN);
    // Signing in again gives a new session with a new lifetime.
    expect((await client.signIn('alice', user.password)).html).to.contain('signed in as');
    expect((await client.get('/', { follow: false })).status).to.equal(200);
  });

  it('a session unused for 30 minutes ends; one used within 30 minutes each time lives on', async () => {
    const { user, client } = await signedIn(rg(), 'alice');
    await keepBusy(rg(), client, 29 * MINUTE, 3 * 29 * MINUTE);
    rg().clock.advance(30 * MINUTE);
    expect((await client.get('/', { follow: false })).location).to.match(SIGN_IN);
    expect(await rg().riskgate.store.sessions.userSessions(user.id)).to.have.length(0);
  });

  it('an API client with an ended session gets a JSON 401', async () => {
    const { client } = await signedIn(rg(), 'alice');
    rg().clock.advance(8 * HOUR);
    const res = await request(rg().app)
      .get('/')
      .set('Cookie', `${SESSION_COOKIE}=${client.cookies.get(SESSION_COOKIE)!}`)
      .set('Accept', 'application/json');
    expect(res.status).to.equal(401);
    expect(res.body.error.code).to.equal('unauthenticated');
  });

  it('the account pages send an ended session to sign-in, and a post from it changes nothing', async () => {
    const { user, client } = await signedIn(rg(), 'alice');
    const other = new TestClient(rg().app, IP.london);
    await other.signIn('alice', user.password);
    await client.get('/auth/account');
    rg().clock.advance(31 * MINUTE);
    const ended = await client.submit('/account/sessions/end-others', {}, {}, { follow: false });
    // Its CSRF token went with the session: the post is refused before any route acts.
    expect(ended.status, ended.html.slice(0, 300)).to.equal(403);
    expect((await client.get('/auth/account', { follow: false })).location).to.match(SIGN_IN);
    // The other browser's session was not ended by the post (it ends only by its own idle limit).
    expect(await rg().riskgate.store.sessions.userSessions(user.id)).to.have.length(1);
    rg().clock.advance(8 * HOUR);
    expect((await other.get('/auth/account/password', { follow: false })).location).to.match(SIGN_IN);
    expect(await rg().riskgate.store.sessions.userSessions(user.id)).to.have.length(0);
  });

  it('the account page no longer lists another browser whose session is past its idle limit', async () => {
    const { user, client } = await signedIn(rg(), 'alice');
    await new TestClient(rg().app, IP.londonNeighbour).signIn('alice', user.password);
    const listed = async () =>
      formsOf((await client.get('/auth/account')).html).filter((f) =>
        f.action.endsWith('/account/sessions/end'),
      );
    expect(await listed()).to.have.length(2);
    rg().clock.advance(20 * MINUTE);
    expect(await listed()).to.have.length(2);
    rg().clock.advance(11 * MINUTE);
    expect(await listed()).to.have.length(1);
  });

  it('the admin console sends an admin session to sign-in 8 hours after sign-in, however busy', async () => {
    const admin = await rg().addUser('root', { roles: ['admin'] });
    const console = await signInAdmin(rg(), 'root', admin.password, admin.totpSecret!);
    // signInAdmin moved the clock 30 s for a fresh code; 19 uses 25 minutes apart reach 7 h 55 min 30 s.
    for (let i = 0; i < 19; i++) {
      rg().clock.advance(25 * MINUTE);
      expect((await console.get(`${ADMIN}/`, { follow: false })).status).to.equal(200);
    }
    rg().clock.advance(4 * MINUTE);
    expect((await console.get(`${ADMIN}/users`, { follow: false })).status).to.equal(200);
    rg().clock.advance(MINUTE);
    const page = await console.get(`${ADMIN}/users`, { follow: false });
    expect(page.status).to.equal(303);
    expect(page.location).to.match(SIGN_IN);
    expect(await rg().riskgate.store.sessions.userSessions(admin.id)).to.have.length(0);
  });
});

describeOnEveryBackend('sessions: no idle limit', { sessionIdleMinutes: 0 }, (rg) => {
  it('with the idle limit off a quiet session lives until the absolute lifetime, and not a minute longer', async () => {
    const { client } = await signedIn(rg(), 'alice');
    rg().clock.advance(8 * HOUR - MINUTE);
    expect((await client.get('/', { follow: false })).status).to.equal(200);
    rg().clock.advance(MINUTE);
    expect((await client.get('/', { follow: false })).location).to.match(SIGN_IN);
  });
});

describeOnEveryBackend('sessions: ended while a request is in flight', { sessionIdleMinutes: 30 }, (rg) => {
  it('a request that read the session before it was ended does not bring it back when it saves', async () => {
    const { riskgate } = rg();
    const app = express();
    app.use(riskgate.session);
    app.use(riskgate.router);
    let entered!: () => void;
    let release!: () => void;
    const inRoute = new Promise<void>((resolve) => (entered = resolve));
    const gate = new Promise<void>((resolve) => (release = resolve));
    app.get('/slow', riskgate.requireAuth, async (_req, res) => {
      entered();
      await gate;
      res.send('done');
    });
    app.get('/', riskgate.requireAuth, (_req, res) => void res.send('signed in as someone'));
    const user = await rg().addUser('alice');
    const client = new TestClient(app, IP.london);
    await client.signIn('alice', user.password);
    // Two minutes on, the request records the session's use: it changed the session and saves it.
    rg().clock.advance(2 * MINUTE);
    const pending = client.get('/slow', { follow: false });
    await inRoute;
    expect(await riskgate.store.sessions.destroyUserSessions(user.id)).to.equal(1);
    release();
    expect((await pending).status).to.equal(200);
    expect(await riskgate.store.sessions.userSessions(user.id)).to.have.length(0);
    expect((await client.get('/', { follow: false })).location).to.match(SIGN_IN);
  });
});

describe('sessions: a signed-in session without a sign-in time', () => {
  it('is ended, never treated as fresh', async () => {
    const store = openSqliteStore({ file: ':memory:' });
    try {
      const app = express();
      app.use(
        createSessionMiddleware({
          store: store.sessions,
          secrets: ['a session secret that is long enough for tests'],
          secure: false,
          lifetime: { maxAgeMs: 8 * HOUR, idleMs: 30 * MINUTE },
          now: Date.now,
          onStoreError: (_req, res) => void res.status(503).end(),
        }),
      );
      app.post('/planted', (req, res) => {
        req.session.riskgate = { userId: 'u1', username: 'alice' };
        res.status(204).end();
      });
      app.get('/whoami', (req, res) => void res.json(req.session.riskgate ?? null));
      const agent = request.agent(app);
      await agent.post('/planted').expect(204);
      expect((await store.sessions.userSessions('u1')).length).to.equal(1);
      expect((await agent.get('/whoami')).body).to.equal(null);
      expect(await store.sessions.userSessions('u1')).to.have.length(0);
    } finally {
      await store.close();
    }
  });
});
