import { expect } from 'chai';
import express from 'express';
import session from 'express-session';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRiskgate, type Riskgate } from '../../src/riskgate.js';
import type { DirectoryUser, UserDirectory } from '../../src/domain/identity.js';
import { IP, Clock, MINUTE } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { createUser } from '../../src/auth/users.js';

/** An app's own user table, kept in memory: Riskgate only sees it through the directory interface. */
class AppDirectory implements UserDirectory {
  readonly passwords = new Map<string, string>();
  readonly users = new Map<string, DirectoryUser>();
  add(id: string, username: string, password: string, groups: string[] = []) {
    this.users.set(id, { id, username, groups, email: `${username}@app.test` });
    this.passwords.set(id, password);
  }
  async findByUsername(username: string) {
    return [...this.users.values()].find((u) => u.username === username.trim().toLowerCase()) ?? null;
  }
  async findById(id: string) {
    return this.users.get(id) ?? null;
  }
  async verifyPassword(user: DirectoryUser, password: string) {
    return this.passwords.get(user.id) === password;
  }
  async setPassword(user: DirectoryUser, password: string) {
    this.passwords.set(user.id, password);
  }
}

describe('mounting in an app', () => {
  let dataDir: string;
  let riskgate: Riskgate | null = null;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-mount-'));
  });
  afterEach(async () => {
    await riskgate?.close();
    riskgate = null;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("an app's own user directory and its own express-session work, including a forced password change", async () => {
    const directory = new AppDirectory();
    directory.add('u-42', 'henry', 'password123');
    const clock = new Clock();
    riskgate = await createRiskgate({
      dataDir,
      directory,
      trustProxy: 'loopback',
      logLevel: 'silent',
      basePath: '/account',
      now: clock.now,
    });
    const app = express();
    app.use(
      session({
        secret: 'x'.repeat(40),
        resave: false,
        saveUninitialized: false,
        store: riskgate.store.sessions,
      }),
    );
    app.use(riskgate.router);
    app.get('/dashboard', riskgate.requireAuth, (req, res) => {
      res.type('text').send(`dashboard for ${req.session.riskgate?.userId}`);
    });

    const client = new TestClient(app, IP.london);
    const first = await client.get('/dashboard', { follow: false });
    expect(first.location).to.equal('/account/sign-in?returnTo=%2Fdashboard');
    await client.get(first.location!);
    // henry's password is breached and he has no authenticator: blocked, nothing changes in the app.
    const blocked = await client.submit('/account/sign-in', { username: 'henry', password: 'password123' });
    expect(blocked.html).to.contain('blocked');
    expect(directory.passwords.get('u-42')).to.equal('password123');

    const temporary = await riskgate.remediation.issueTemporaryPassword('u-42');
    expect(directory.passwords.get('u-42')).to.equal(temporary);
    clock.advance(MINUTE);
    await client.get('/dashboard'); // -> sign-in page carrying returnTo=/dashboard
    await client.submit('/account/sign-in', { username: 'henry', password: temporary });
    const landed = await client.submit('/account/flow/change-password', {
      newPassword: 'granite willow beacon 5',
      confirmPassword: 'granite willow beacon 5',
    });
    expect(landed.html).to.equal('dashboard for u-42');
    expect(directory.passwords.get('u-42')).to.equal('granite willow beacon 5');
  });

  it('the router refuses to run without a session middleware, with a message saying what to mount', async () => {
    riskgate = await createRiskgate({ dataDir, logLevel: 'silent' });
    const app = express();
    app.use(riskgate.router);
    const page = await new TestClient(app).get('/auth/sign-in');
    expect(page.status).to.equal(500);
    expect(page.html).to.not.contain('riskgate.session'); // details go to the log, not the page
  });

  it('session and device cookies are HttpOnly and SameSite=Lax, and Secure in production', async () => {
    riskgate = await createRiskgate({ dataDir, logLevel: 'silent', trustProxy: 'loopback' });
    await createUser(riskgate.store, { username: 'ivy', password: 'amber falcon ridge 8' });
    const app = express();
    app.use(riskgate.session);
    app.use(riskgate.router);
    const client = new TestClient(app, IP.london);
    await client.get('/auth/sign-in');
    await client.submit(
      '/auth/sign-in',
      { username: 'ivy', password: 'amber falcon ridge 8' },
      {},
      { follow: false },
    );
    const cookies = client.last.headers['set-cookie'] as unknown as string[];
    const sid = cookies.find((c) => c.startsWith('rg.sid='))!;
    const device = cookies.find((c) => c.startsWith('rg.device='))!;
    for (const cookie of [sid, device]) {
      expect(cookie).to.match(/HttpOnly/i);
      expect(cookie).to.match(/SameSite=Lax/i);
      expect(cookie).to.not.match(/;\s*Secure/i);
    }
    await riskgate.close();
    riskgate = await createRiskgate({ dataDir, logLevel: 'silent', cookieSecure: true });
    expect(riskgate.config.cookieSecure).to.equal(true);
  });
});
