import { expect } from 'chai';
import { startLiveServer, type LiveServer } from './harness.js';
import { JOURNEYS, SERVER_OPTIONS, startJourney } from './journeys.js';
import { STATE_CHANGING_ROUTES, hiddenFieldsFor, legitimateBody } from './routes.js';
import { IP } from '../helpers/riskgate.js';
import { SESSION_COOKIE } from '../../src/web/session.js';

const FLOW_STEPS = [
  'notice',
  'mfa',
  'change-password',
  'register',
  'register-verify',
  'recovery-codes',
  'blocked',
];

describe('security: session fixation, step skipping and replayed posts', function () {
  this.timeout(60_000);
  let s: LiveServer;
  afterEach(() => s?.close());

  it('a session id planted by an attacker never becomes an authenticated or flow session', async () => {
    s = await startLiveServer();
    const attacker = s.client(IP.paris);
    await attacker.get('/auth/sign-in');
    const planted = attacker.cookies.get(SESSION_COOKIE)!;
    expect(planted).to.be.a('string');

    // Risky sign-in: the planted id is replaced when the flow starts, and again when it completes.
    const user = await s.addUser('alice');
    await s.client(IP.london).signIn('alice', user.password);
    s.clock.advance(3_600_000);
    const victim = s.client(IP.tokyo);
    victim.cookies.set(SESSION_COOKIE, planted);
    await victim.signIn('alice', user.password);
    const flowSession = victim.cookies.get(SESSION_COOKIE);
    expect(flowSession).to.not.equal(planted);
    await victim.submit('/auth/flow/notice', {}, { action: 'continue' });
    await victim.submit('/auth/flow/mfa', { code: s.totp(user.totpSecret!) });
    expect(victim.last.html).to.contain('signed in as');
    expect(victim.cookies.get(SESSION_COOKIE)).to.not.be.oneOf([planted, flowSession]);

    for (const sid of [planted, flowSession!]) {
      const thief = s.client(IP.tokyo);
      thief.cookies.set(SESSION_COOKIE, sid);
      expect((await thief.get('/', { follow: false })).location).to.match(/\/auth\/sign-in/);
    }
  });

  it('no flow step can be reached by typing its URL: every step redirects to where the flow really is', async () => {
    s = await startLiveServer(SERVER_OPTIONS.registration);
    for (const journey of [
      'riskyNotice',
      'riskyMfa',
      'compromisedNotice',
      'compromisedMfa',
      'registerIntro',
    ] as const) {
      const j = await JOURNEYS[journey](s);
      const current = (await j.client.get('/auth/flow', { follow: false })).location;
      for (const step of FLOW_STEPS) {
        const page = await j.client.get(`/auth/flow/${step}`, { follow: false });
        if (`/auth/flow/${step}` === current) expect(page.status, `${journey} ${step}`).to.equal(200);
        else expect(page.location, `${journey}: ${step}`).to.equal(current);
      }
      expect(j.client.last.html).to.not.contain('signed in as');
      // And the protected page stays out of reach.
      expect((await j.client.get('/', { follow: false })).location).to.match(/\/auth\/sign-in/);
    }
  });

  it('a post for a later step, built by hand, changes nothing', async () => {
    s = await startLiveServer();
    const j = await JOURNEYS.riskyNotice(s);
    const csrf = j.client.hidden('_csrf')!;
    const v = j.client.hidden('v')!;
    const before = await s.snapshot();
    for (const [step, fields] of [
      ['mfa', { code: j.code() }],
      [
        'change-password',
        { newPassword: 'attacker chosen pass 1', confirmPassword: 'attacker chosen pass 1' },
      ],
      ['recovery-codes', {}],
      ['register-verify', { code: '123456' }],
    ] as const) {
      const page = await j.client.postRaw(
        `/auth/flow/${step}`,
        { _csrf: csrf, v, ...fields },
        { follow: false },
      );
      expect(page.location, step).to.equal('/auth/flow/notice');
    }
    expect(await s.snapshot()).to.deep.equal(before);
  });

  for (const route of STATE_CHANGING_ROUTES.filter((r) => r.action.startsWith('/auth/flow/'))) {
    it(`${route.name}: replaying the same post after it was accepted changes nothing`, async () => {
      s = await startLiveServer(SERVER_OPTIONS[route.server]);
      const j = await startJourney(route.journey, s);
      const hidden = hiddenFieldsFor(route, j.client.last.html)!;
      const body = legitimateBody(route, j, hidden);
      const oldCookies = new Map(j.client.cookies);
      await j.client.postRaw(route.action, body);
      const after = await s.snapshot();
      // Replayed by the same browser, and with the cookies the page was posted with.
      await j.client.postRaw(route.action, body, { follow: false });
      const replayer = s.client(j.client.ip);
      for (const [k, v] of oldCookies) replayer.cookies.set(k, v);
      await replayer.postRaw(route.action, body, { follow: false });
      expect(await s.snapshot()).to.deep.equal(after);
    });
  }
});
