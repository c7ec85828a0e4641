/**
 * ASVS 3.4.4: with Secure cookies (production, or cookieSecure true) the session and device cookies
 * are `__Host-` prefixed, so the browser keeps them only Secure, host-only and for path /, and a sibling
 * subdomain cannot plant either. Plain HTTP development keeps the plain names. The app sits behind a
 * TLS proxy here (trust proxy loopback, X-Forwarded-Proto: https), as in production.
 */
import { expect } from 'chai';
import express from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRiskgate, type Riskgate } from '../../src/riskgate.js';
import { createUser } from '../../src/auth/users.js';
import { TestClient } from '../helpers/client.js';
import { IP } from '../helpers/riskgate.js';

const PASSWORD = 'amber falcon ridge 8';

function appOf(riskgate: Riskgate, expressTrustsProxy = true) {
  const app = express();
  if (expressTrustsProxy) app.set('trust proxy', 'loopback');
  app.use(riskgate.session);
  app.use(riskgate.router);
  app.get(
    '/',
    riskgate.requireAuth,
    (req, res) => void res.send(`signed in as ${req.session.riskgate!.username!}`),
  );
  return app;
}

function setCookies(client: TestClient): string[] {
  return (client.last.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
}

describe('cookie names: __Host- prefix when Secure', () => {
  let dataDir: string;
  let riskgate: Riskgate | null = null;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-cookies-'));
  });
  afterEach(async () => {
    await riskgate?.close();
    riskgate = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(cookieSecure: boolean) {
    riskgate = await createRiskgate({ dataDir, logLevel: 'silent', trustProxy: 'loopback', cookieSecure });
    const user = await createUser(riskgate.store, { username: 'ivy', password: PASSWORD });
    const client = new TestClient(appOf(riskgate), IP.london);
    if (cookieSecure) client.headers['X-Forwarded-Proto'] = 'https';
    return { user, client };
  }

  async function signIn(client: TestClient) {
    await client.get('/auth/sign-in');
    await client.submit('/auth/sign-in', { username: 'ivy', password: PASSWORD }, {}, { follow: false });
    return setCookies(client);
  }

  it('with cookieSecure the session and device cookies are __Host-rg.sid and __Host-rg.device: Path=/, Secure, no Domain, and the session works', async () => {
    const { client } = await start(true);
    const cookies = await signIn(client);
    const sid = cookies.find((c) => c.startsWith('__Host-rg.sid='));
    const device = cookies.find((c) => c.startsWith('__Host-rg.device='));
    expect(sid, cookies.join('\n')).to.be.a('string');
    expect(device, cookies.join('\n')).to.be.a('string');
    for (const cookie of [sid!, device!]) {
      expect(cookie).to.match(/;\s*Path=\/(;|$)/);
      expect(cookie).to.match(/;\s*Secure(;|$)/i);
      expect(cookie).to.match(/;\s*HttpOnly/i);
      expect(cookie).to.match(/;\s*SameSite=Lax/i);
      expect(cookie).to.not.match(/;\s*Domain=/i);
    }
    expect(cookies.some((c) => /^rg\.(sid|device)=/.test(c))).to.equal(false);
    // The session is read under its prefixed name and bound to the prefixed device cookie.
    const home = await client.get('/', { follow: false });
    expect(home.status).to.equal(200);
    expect(home.html).to.contain('signed in as ivy');
  });

  it('over plain HTTP (cookieSecure false) the names stay rg.sid and rg.device, without Secure', async () => {
    const { client } = await start(false);
    const cookies = await signIn(client);
    for (const name of ['rg.sid', 'rg.device']) {
      const cookie = cookies.find((c) => c.startsWith(`${name}=`));
      expect(cookie, cookies.join('\n')).to.be.a('string');
      expect(cookie).to.not.match(/;\s*Secure/i);
    }
    expect((await client.get('/', { follow: false })).status).to.equal(200);
  });

  it('with cookieSecure the session id under the plain name rg.sid is no session', async () => {
    const { client } = await start(true);
    await signIn(client);
    const value = client.cookies.get('__Host-rg.sid')!;
    client.cookies.delete('__Host-rg.sid');
    client.cookies.set('rg.sid', value);
    const page = await client.get('/', { follow: false });
    expect(page.status).to.equal(303);
    expect(page.location).to.match(/^\/auth\/sign-in/);
  });

  it('with cookieSecure a plain rg.device planted by a sibling subdomain is ignored: the browser gets a new device id', async () => {
    const { user, client } = await start(true);
    const planted = 'PlantedBySubdomain0000';
    client.cookies.set('rg.device', planted);
    const cookies = await signIn(client);
    const issued = cookies.find((c) => c.startsWith('__Host-rg.device='))!;
    expect(issued).to.be.a('string');
    expect(issued).to.not.contain(planted);
    const [session] = await riskgate!.store.sessions.userSessions(user.id);
    const deviceId = (session!.session as { riskgate?: { deviceId?: string } }).riskgate?.deviceId;
    expect(deviceId).to.equal(client.cookies.get('__Host-rg.device'));
    expect(deviceId).to.not.equal(planted);
    expect((await client.get('/', { follow: false })).status).to.equal(200);
  });

  it("behind a TLS proxy the Secure session cookie is set from Riskgate's trustProxy alone (the app never set Express's)", async () => {
    riskgate = await createRiskgate({
      dataDir,
      logLevel: 'silent',
      trustProxy: 'loopback',
      cookieSecure: true,
    });
    await createUser(riskgate.store, { username: 'ivy', password: PASSWORD });
    const client = new TestClient(appOf(riskgate, false), IP.london);
    client.headers['X-Forwarded-Proto'] = 'https';
    const cookies = await signIn(client);
    expect(cookies.some((c) => c.startsWith('__Host-rg.sid=') && /;\s*Secure/i.test(c))).to.equal(true);
    expect((await client.get('/')).html).to.contain('signed in as ivy');
  });

  it('without a trusted proxy, a plain-HTTP request gets no Secure session cookie whatever it claims', async () => {
    riskgate = await createRiskgate({ dataDir, logLevel: 'silent', cookieSecure: true });
    await createUser(riskgate.store, { username: 'ivy', password: PASSWORD });
    const client = new TestClient(appOf(riskgate, false), IP.london);
    client.headers['X-Forwarded-Proto'] = 'https';
    const cookies = await signIn(client);
    expect(cookies.some((c) => c.startsWith('__Host-rg.sid='))).to.equal(false);
  });
});
