import { expect } from 'chai';
import { startRiskgate, IP, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient, formsOf } from '../helpers/client.js';
import { describeOnEveryBackend } from '../helpers/backends.js';

const FIREFOX_ON_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0';

async function signedIn(rg: TestRiskgate, username: string, password: string, ip: string, ua?: string) {
  const client = new TestClient(rg.app, ip, ua);
  const page = await client.signIn(username, password);
  expect(page.html).to.contain('signed in as');
  return client;
}

/** The session handles on the account page, in the order shown. */
function handlesOn(html: string): string[] {
  return formsOf(html)
    .filter((form) => form.action.endsWith('/account/sessions/end'))
    .map((form) => form.hidden.session!);
}

const status = async (client: TestClient) => (await client.get('/', { follow: false })).status;

describeOnEveryBackend('account: the session list', {}, (rg) => {
  it("lists the user's sessions, this browser first, with browser, place, address and times, and never a session id", async () => {
    const user = await rg().addUser('alice');
    await signedIn(rg(), 'alice', user.password, IP.londonNeighbour, FIREFOX_ON_WINDOWS);
    const client = await signedIn(rg(), 'alice', user.password, IP.london);
    const bob = await rg().addUser('bob');
    await signedIn(rg(), 'bob', bob.password, IP.paris);

    const page = await client.get('/auth/account');
    expect(page.status).to.equal(200);
    expect(handlesOn(page.html)).to.have.length(2);
    const [first, second] = page.html.split('<li>').slice(1);
    expect(first).to.contain('This browser');
    expect(first).to.contain('Chrome');
    expect(first).to.contain(IP.london);
    expect(first).to.contain('United Kingdom');
    expect(first).to.match(/Signed in<\/dt><dd>\d{1,2} \w+ \d{4} at \d\d:\d\d UTC/);
    expect(first).to.match(/Last active<\/dt><dd>\d{1,2} \w+ \d{4} at \d\d:\d\d UTC/);
    expect(second).to.contain('Firefox');
    expect(second).to.contain('Windows');
    expect(second).to.contain(IP.londonNeighbour);
    expect(second).to.not.contain('This browser');
    expect(page.html).to.not.contain(IP.paris); // Bob's session is not Alice's business
    for (const { sid } of await rg().riskgate.store.sessions.userSessions(user.id))
      expect(page.html).to.not.contain(sid);
  });

  it('ending one session signs that browser out and leaves the others signed in', async () => {
    const user = await rg().addUser('alice');
    const phone = await signedIn(rg(), 'alice', user.password, IP.londonNeighbour, FIREFOX_ON_WINDOWS);
    const tablet = await signedIn(rg(), 'alice', user.password, IP.londonNeighbour);
    const client = await signedIn(rg(), 'alice', user.password, IP.london);
    const page = await client.get('/auth/account');
    expect(handlesOn(page.html)).to.have.length(3);
    // The phone's row is the one saying Firefox: its form is at the same position in the list.
    const rows = page.html.split('<li>').slice(1);
    const index = rows.findIndex((row) => row.includes('Firefox'));
    const done = await client.submit(
      '/auth/account/sessions/end',
      {},
      { session: handlesOn(page.html)[index]! },
    );
    expect(done.status).to.equal(200);
    expect(done.html).to.contain('That session was ended');
    expect(handlesOn(done.html)).to.have.length(2);
    expect(done.html).to.not.contain('Firefox');
    expect(await status(phone)).to.equal(303);
    expect(await status(tablet)).to.equal(200);
    expect(await status(client)).to.equal(200);
  });

  it('"sign out everywhere else" ends every other session and keeps this one', async () => {
    const user = await rg().addUser('alice');
    const phone = await signedIn(rg(), 'alice', user.password, IP.londonNeighbour, FIREFOX_ON_WINDOWS);
    const tablet = await signedIn(rg(), 'alice', user.password, IP.londonNeighbour);
    const client = await signedIn(rg(), 'alice', user.password, IP.london);
    await client.get('/auth/account');
    const done = await client.submit('/auth/account/sessions/end-others');
    expect(done.html).to.contain('Your other sessions were ended');
    expect(handlesOn(done.html)).to.have.length(1);
    expect(done.html).to.not.contain('/account/sessions/end-others');
    expect(await status(phone)).to.equal(303);
    expect(await status(tablet)).to.equal(303);
    expect(await status(client)).to.equal(200);
  });
});

describe('account: ending sessions, refusals', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate();
  });
  afterEach(() => rg.close());

  async function aliceTwice() {
    const user = await rg.addUser('alice');
    const phone = await signedIn(rg, 'alice', user.password, IP.londonNeighbour, FIREFOX_ON_WINDOWS);
    const client = await signedIn(rg, 'alice', user.password, IP.london);
    const page = await client.get('/auth/account');
    const [own, phoneHandle] = handlesOn(page.html);
    return { user, phone, client, own: own!, phoneHandle: phoneHandle!, csrf: client.hidden('_csrf')! };
  }

  async function bothSignedIn(r: Awaited<ReturnType<typeof aliceTwice>>) {
    expect(await status(r.phone), 'the other session').to.equal(200);
    expect(await status(r.client), 'this session').to.equal(200);
    expect(await rg.riskgate.store.sessions.userSessions(r.user.id)).to.have.length(2);
  }

  it("a handle of another user's session is refused with a 400 and ends nothing", async () => {
    const r = await aliceTwice();
    const bob = await rg.addUser('bob');
    const bobsBrowser = await signedIn(rg, 'bob', bob.password, IP.paris);
    const [bobsHandle] = handlesOn((await bobsBrowser.get('/auth/account')).html);
    const page = await r.client.postRaw('/auth/account/sessions/end', {
      _csrf: r.csrf,
      session: bobsHandle!,
    });
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('That session has already ended. Nothing was changed.');
    expect(await status(bobsBrowser)).to.equal(200);
    await bothSignedIn(r);
  });

  it('a handle of a session that already ended is refused with a 400', async () => {
    const r = await aliceTwice();
    await r.client.postRaw('/auth/account/sessions/end', { _csrf: r.csrf, session: r.phoneHandle });
    await r.client.get('/auth/account');
    const again = await r.client.postRaw('/auth/account/sessions/end', {
      _csrf: r.client.hidden('_csrf')!,
      session: r.phoneHandle,
    });
    expect(again.status).to.equal(400);
    expect(again.html).to.contain('already ended');
    expect(await status(r.client)).to.equal(200);
  });

  const malformed: [string, Record<string, string | string[]>, RegExp][] = [
    ['a missing handle', {}, /Choose a session to end/],
    ['a handle of the wrong shape', { session: 'not-a-handle' }, /from the list/],
    ['a session id instead of a handle', { session: 'x'.repeat(32) }, /from the list/],
    ['a repeated handle', { session: ['a'.repeat(43), 'b'.repeat(43)] }, /only once/],
  ];
  for (const [name, fields, message] of malformed) {
    it(`${name} is refused with a 400 and a clear message, and ends nothing`, async () => {
      const r = await aliceTwice();
      const page = await r.client.postRaw('/auth/account/sessions/end', { _csrf: r.csrf, ...fields });
      expect(page.status).to.equal(400);
      expect(page.html).to.match(message);
      expect(page.html).to.contain('Where you');
      await bothSignedIn(r);
    });
  }

  it("ending this browser's own session is signing out", async () => {
    const r = await aliceTwice();
    const page = await r.client.postRaw('/auth/account/sessions/end', { _csrf: r.csrf, session: r.own });
    expect(page.html).to.contain('You have been signed out.');
    expect(await status(r.client)).to.equal(303);
    expect(await status(r.phone)).to.equal(200);
  });

  for (const action of ['/auth/account/sessions/end', '/auth/account/sessions/end-others']) {
    it(`${action}: without the session's CSRF token, or with an unreadable body, nothing ends`, async () => {
      const r = await aliceTwice();
      expect((await r.client.postRaw(action, { session: r.phoneHandle })).status).to.equal(403);
      expect((await r.client.postRaw(action, { _csrf: 'forged', session: r.phoneHandle })).status).to.equal(
        403,
      );
      const oversized = await r.client.postRaw(action, `session=${r.phoneHandle}&junk=${'a'.repeat(20_000)}`);
      expect(oversized.status).to.equal(400);
      expect(oversized.html).to.contain('The form was too large');
      await bothSignedIn(r);
    });

    it(`${action}: a signed-out browser is sent to sign in and nothing ends`, async () => {
      const r = await aliceTwice();
      const stranger = new TestClient(rg.app, IP.paris);
      await stranger.get('/auth/sign-in');
      const page = await stranger.postRaw(
        action,
        { _csrf: stranger.hidden('_csrf')!, session: r.phoneHandle },
        { follow: false },
      );
      expect(page.status).to.equal(303);
      expect(page.location).to.equal('/auth/sign-in');
      await bothSignedIn(r);
    });
  }

  it('the account page needs a signed-in session', async () => {
    const page = await new TestClient(rg.app, IP.london).get('/auth/account', { follow: false });
    expect(page.status).to.equal(303);
    expect(page.location).to.equal('/auth/sign-in?returnTo=%2Fauth%2Faccount');
  });
});
