import { expect } from 'chai';
import { startRiskgate, IP, MINUTE, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';

describe('sign-in', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate();
  });
  afterEach(() => rg.close());

  it('a protected page sends an anonymous visitor to sign-in and back after it', async () => {
    const user = await rg.addUser('alice');
    const client = new TestClient(rg.app, IP.london);
    const first = await client.get('/?tab=2', { follow: false });
    expect(first.status).to.equal(303);
    expect(first.location).to.equal('/auth/sign-in?returnTo=%2F%3Ftab%3D2');
    await client.get(first.location!);
    const landed = await client.submit(
      '/auth/sign-in',
      { username: 'alice', password: user.password },
      {},
      { follow: false },
    );
    expect(landed.status).to.equal(303);
    expect(landed.location).to.equal('/?tab=2');
    const home = await client.get('/');
    expect(home.status).to.equal(200);
    expect(home.html).to.contain('alice');
  });

  it('a protected route answers API clients with 401 JSON instead of a redirect', async () => {
    const request = (await import('supertest')).default;
    const res = await request(rg.app).get('/').set('Accept', 'application/json');
    expect(res.status).to.equal(401);
    expect(res.body.error).to.deep.equal({
      code: 'unauthenticated',
      message: 'Sign in first.',
      signIn: '/auth/sign-in',
    });
  });

  it('a first sign-in with no risk is allowed and recorded with its location', async () => {
    const user = await rg.addUser('alice');
    const client = new TestClient(rg.app, IP.london);
    const page = await client.signIn('Alice ', user.password);
    expect(page.status).to.equal(200);
    expect(page.html).to.contain('signed in as');
    const [record] = await rg.riskgate.store.signIns.recentSignIns(user.id, 5);
    expect(record!.outcome).to.equal('allowed');
    expect(record!.context.geo.country).to.equal('GB');
    expect(record!.riskLevel).to.equal('none');
  });

  it('a wrong password and an unknown user get the same answer and both are recorded', async () => {
    const user = await rg.addUser('alice');
    const client = new TestClient(rg.app, IP.london);
    const wrong = await client.signIn('alice', 'not the password at all');
    const unknownClient = new TestClient(rg.app, IP.london);
    const unknown = await unknownClient.signIn('nobody-here', 'not the password at all');
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    const message = (html: string) => /role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1]?.trim();
    expect(message(wrong.html)).to.equal(message(unknown.html));
    expect(message(wrong.html)).to.contain('username or password is incorrect');
    const [attempt] = await rg.riskgate.store.signIns.recentSignIns(user.id, 5);
    expect(attempt!.outcome).to.equal('wrongPassword');
  });

  it('sign-out ends the session', async () => {
    const user = await rg.addUser('alice');
    const client = new TestClient(rg.app, IP.london);
    await client.signIn('alice', user.password);
    const out = await client.submit('/auth/sign-out');
    expect(out.html).to.contain('You have been signed out');
    const again = await client.get('/', { follow: false });
    expect(again.status).to.equal(303);
  });

  it('"sign out everywhere" ends the sessions on every device', async () => {
    const user = await rg.addUser('alice');
    const laptop = new TestClient(rg.app, IP.london);
    const phone = new TestClient(rg.app, IP.londonNeighbour);
    await laptop.signIn('alice', user.password);
    await phone.signIn('alice', user.password);
    const out = await phone.submit('/auth/sign-out', {}, { scope: 'everywhere' });
    expect(out.html).to.contain('You have been signed out');
    expect((await laptop.get('/', { follow: false })).status).to.equal(303);
    expect((await phone.get('/', { follow: false })).status).to.equal(303);
  });

  it('a session cookie replayed from another browser is a session anomaly: the session ends and user risk rises', async () => {
    const user = await rg.addUser('alice');
    const owner = new TestClient(rg.app, IP.london);
    await owner.signIn('alice', user.password);
    const thief = new TestClient(rg.app, IP.tokyo);
    thief.cookies.set('rg.sid', owner.cookies.get('rg.sid')!);
    const page = await thief.get('/', { follow: false });
    expect(page.status).to.equal(303);
    expect(page.location).to.contain('/auth/sign-in');
    const [detection] = await rg.riskgate.store.detections.activeDetections(user.id);
    expect(detection).to.deep.include({ type: 'sessionAnomaly', level: 'medium', scope: 'user' });
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('medium');
    expect((await owner.get('/', { follow: false })).status).to.equal(303);
  });

  it('the owner keeps using the session from the browser it was issued to, on any network', async () => {
    const user = await rg.addUser('alice');
    const owner = new TestClient(rg.app, IP.london);
    await owner.signIn('alice', user.password);
    owner.ip = IP.paris; // the laptop moves to another network
    expect((await owner.get('/', { follow: false })).status).to.equal(200);
    expect(await rg.riskgate.store.detections.activeDetections(user.id)).to.have.length(0);
  });

  it('returnTo never leads off-site', async () => {
    const user = await rg.addUser('alice');
    for (const evil of [
      '//evil.example/x',
      'https://evil.example/',
      '/\\evil.example',
      'javascript:alert(1)',
    ]) {
      const client = new TestClient(rg.app, IP.london);
      await client.get(`/auth/sign-in?returnTo=${encodeURIComponent(evil)}`);
      const page = await client.submit(
        '/auth/sign-in',
        { username: 'alice', password: user.password },
        {},
        { follow: false },
      );
      expect(page.location, evil).to.equal('/');
    }
  });

  it('the session id changes when the user signs in (no fixation)', async () => {
    const user = await rg.addUser('alice');
    const client = new TestClient(rg.app, IP.london);
    await client.get('/auth/sign-in');
    const before = client.cookies.get('rg.sid');
    expect(before).to.be.a('string');
    await client.submit('/auth/sign-in', { username: 'alice', password: user.password });
    expect(client.cookies.get('rg.sid')).to.not.equal(before);
  });

  it('a post without the CSRF token is refused and changes nothing', async () => {
    const user = await rg.addUser('alice');
    const client = new TestClient(rg.app, IP.london);
    await client.get('/auth/sign-in');
    const page = await client.postRaw('/auth/sign-in', { username: 'alice', password: user.password });
    expect(page.status).to.equal(403);
    expect(await rg.riskgate.store.signIns.recentSignIns(user.id, 5)).to.have.length(0);
  });

  it('pages carry a strict content security policy', async () => {
    const client = new TestClient(rg.app, IP.london);
    const page = await client.get('/auth/sign-in');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).to.contain("default-src 'none'");
    expect(csp).to.not.contain('unsafe-inline');
    expect(page.headers['cache-control']).to.equal('no-store');
  });

  it('X-Forwarded-For is ignored when the proxy is not trusted', async () => {
    const strict = await startRiskgate({ trustProxy: false });
    try {
      const user = await strict.addUser('alice');
      const client = new TestClient(strict.app, IP.sydney);
      await client.signIn('alice', user.password);
      const [record] = await strict.riskgate.store.signIns.recentSignIns(user.id, 1);
      expect(record!.context.ip).to.match(/127\.0\.0\.1|::1/);
    } finally {
      await strict.close();
    }
  });

  it('sign-ins stay allowed from the same place a day later', async () => {
    const user = await rg.addUser('alice');
    const client = new TestClient(rg.app, IP.london);
    await client.signIn('alice', user.password);
    rg.clock.advance(24 * 60 * MINUTE);
    const again = new TestClient(rg.app, IP.londonNeighbour);
    const page = await again.signIn('alice', user.password);
    expect(page.html).to.contain('signed in as');
  });
});
