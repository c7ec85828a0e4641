import { expect } from 'chai';
import { startRiskgate, IP, DAY, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { TestSmtp } from '../helpers/smtp.js';

const ALICE = 'alice@example.com';

describe('"This wasn\'t me" link in the unfamiliar sign-in mail', () => {
  let smtp: TestSmtp;
  let rg: TestRiskgate;
  beforeEach(async () => {
    smtp = await TestSmtp.start();
    rg = await startRiskgate({
      publicUrl: 'https://login.example.com',
      mail: smtp.options({ notMeLinkHours: 24 }),
      jobs: { enabled: false },
      // New-country sign-ins are allowed (no MFA), so the owner learns of them by mail.
      policies: { signInRisk: { mfaAt: 'off' } },
    });
  });
  afterEach(async () => {
    await rg.close();
    await smtp.close();
  });

  /** alice signs in at home, then "someone" signs in from Paris and stays signed in; returns the link path. */
  async function intruderSignedIn() {
    const user = await rg.addUser('alice', { email: ALICE });
    await new TestClient(rg.app, IP.london).signIn('alice', user.password);
    rg.clock.advance(DAY);
    const intruder = new TestClient(rg.app, IP.paris);
    expect((await intruder.signIn('alice', user.password)).html).to.contain('signed in as');
    await rg.riskgate.notifications.settled();
    const [mail] = smtp.to(ALICE);
    const url = /https:\/\/login\.example\.com(\/auth\/not-me\/[^\s"<]+)/.exec(mail!.text)![1]!;
    const [signIn] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
    return { user, intruder, path: url, signInId: signIn!.id };
  }

  it('GET shows the sign-in and a confirm button, and changes nothing (mail scanners fetch links)', async () => {
    const { user, path, signInId } = await intruderSignedIn();
    const owner = new TestClient(rg.app, IP.london);
    const page = await owner.get(path);
    const again = await new TestClient(rg.app, IP.mountainView).get(path);
    expect(page.status).to.equal(200);
    expect(again.status).to.equal(200);
    expect(page.html).to.contain('Was this sign-in you?');
    expect(page.html).to.contain('France');
    expect(page.html).to.contain(`action="${path}"`);
    expect(page.html).to.not.contain('alice');
    const identity = await rg.riskgate.store.identities.getIdentity(user.id);
    expect(identity.riskLevel).to.equal('low');
    expect((await rg.riskgate.store.signIns.getSignIn(signInId))!.outcome).to.equal('allowed');
  });

  it('POST raises user risk to high, confirms the sign-in compromised and signs the intruder out', async () => {
    const { user, intruder, path, signInId } = await intruderSignedIn();
    const owner = new TestClient(rg.app, IP.london);
    await owner.get(path);
    const done = await owner.submit(path);
    expect(done.status).to.equal(200);
    expect(done.html).to.contain('Thank you for telling us');
    const identity = await rg.riskgate.store.identities.getIdentity(user.id);
    expect(identity).to.deep.include({ riskLevel: 'high', riskState: 'atRisk' });
    const signIn = await rg.riskgate.store.signIns.getSignIn(signInId);
    expect(signIn).to.deep.include({ outcome: 'reportedNotMe', riskState: 'confirmedCompromised' });
    const detections = await rg.riskgate.store.detections.activeDetections(user.id);
    expect(detections.map((d) => d.type)).to.include('userReportedSuspicious');
    // The intruder's session is gone.
    const home = await intruder.get('/');
    expect(home.html).to.not.contain('signed in as');
    // The next sign-in with the password must recover the account (MFA, then a new password).
    const next = await new TestClient(rg.app, IP.london).signIn('alice', user.password);
    expect(next.html).to.contain('/auth/flow/notice');
  });

  it('a used link is refused on GET and on POST, and risk is raised once', async () => {
    const { user, path } = await intruderSignedIn();
    const owner = new TestClient(rg.app, IP.london);
    const early = new TestClient(rg.app, IP.london);
    await owner.get(path);
    await early.get(path); // a second tab, opened before the first use
    expect((await owner.submit(path)).status).to.equal(200);
    const page = await new TestClient(rg.app, IP.london).get(path);
    expect(page.status).to.equal(410);
    expect(page.html).to.contain('already been used');
    const replay = await early.submit(path);
    expect(replay.status).to.equal(410);
    const detections = await rg.riskgate.store.detections.detectionsForUser(user.id);
    expect(detections.filter((d) => d.type === 'userReportedSuspicious')).to.have.length(1);
  });

  it('two parallel posts of the same link report once', async () => {
    const { user, path } = await intruderSignedIn();
    const a = new TestClient(rg.app, IP.london);
    const b = new TestClient(rg.app, IP.london);
    await a.get(path);
    await b.get(path);
    const pages = await Promise.all([a.submit(path), b.submit(path)]);
    expect(pages.map((p) => p.status).sort()).to.deep.equal([200, 410]);
    const detections = await rg.riskgate.store.detections.detectionsForUser(user.id);
    expect(detections.filter((d) => d.type === 'userReportedSuspicious')).to.have.length(1);
  });

  it('an expired link is refused with a clear page and changes nothing', async () => {
    const { user, path } = await intruderSignedIn();
    const owner = new TestClient(rg.app, IP.london);
    await owner.get(path);
    rg.clock.advance(DAY + 1);
    const posted = await owner.submit(path);
    expect(posted.status).to.equal(410);
    expect(posted.html).to.contain('This link has expired');
    expect((await owner.get(path)).status).to.equal(410);
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('low');
  });

  it('a tampered link (sign-in, expiry or signature changed) is refused as not valid, never a 500', async () => {
    const { user, path } = await intruderSignedIn();
    const [signInId, expiry, mac] = path.slice('/auth/not-me/'.length).split('.') as [string, string, string];
    const other = (await rg.riskgate.store.signIns.recentSignIns(user.id, 2))[1]!.id;
    const longer = (parseInt(expiry, 36) + 10 * DAY).toString(36);
    const flipped = (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1);
    const client = new TestClient(rg.app, IP.london);
    for (const token of [
      `${other}.${expiry}.${mac}`,
      `${signInId}.${longer}.${mac}`,
      `${signInId}.${expiry}.${flipped}`,
      `${signInId}.${expiry}`,
      'x'.repeat(500),
    ]) {
      const page = await client.get(`/auth/not-me/${token}`);
      expect(page.status, token).to.equal(400);
      expect(page.html, token).to.contain('This link does not work');
    }
    const undecodable = await client.get('/auth/not-me/%E0%A4%A');
    expect(undecodable.status).to.equal(400);
    // A forged POST is refused the same way (with a valid CSRF token from the sign-in page).
    await client.get('/auth/sign-in');
    const forged = await client.postRaw(`/auth/not-me/${signInId}.${longer}.${mac}`, {
      _csrf: client.hidden('_csrf')!,
    });
    expect(forged.status).to.equal(400);
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('low');
  });

  it('a POST without the CSRF token is refused and changes nothing', async () => {
    const { user, path } = await intruderSignedIn();
    const client = new TestClient(rg.app, IP.london);
    await client.get(path);
    const page = await client.postRaw(path, {});
    expect(page.status).to.equal(403);
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('low');
  });

  it('an unreadable POST (an oversized body, so no readable CSRF token) is refused, and the link still works', async () => {
    // A cross-site form can post 17 KB of junk: the body is unreadable, so the CSRF check is skipped
    // and the route itself must refuse to use the link.
    const { user, path } = await intruderSignedIn();
    const client = new TestClient(rg.app, IP.london);
    await client.get(path);
    const forged = await client.postRaw(path, `junk=${'x'.repeat(20_000)}`);
    expect(forged.status).to.equal(400);
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('low');
    await client.get(path);
    expect((await client.submit(path)).html).to.contain('Thank you for telling us');
  });
});
