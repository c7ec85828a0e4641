import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRiskgate, IP, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { writeCorpus } from '../../src/signals/breach/build.js';

const IN_CORPUS = 'correct horse battery staple';
const BREACHED = 'password123';

/**
 * A new password found in the configured breach corpus (not only the built-in list) is refused
 * wherever a user sets one: the sign-in pipeline would flag it as leaked credentials at the next
 * sign-in and send the user straight back to a forced change.
 */
describe('new passwords and the configured breach corpus', () => {
  let rg: TestRiskgate;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-corpus-'));
    const corpus = path.join(dir, 'pwned.txt');
    await writeCorpus(corpus, [{ password: IN_CORPUS, count: 42 }]);
    rg = await startRiskgate({ breachCorpus: corpus });
  });
  afterEach(async () => {
    await rg.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the forced password change refuses a password from the corpus and keeps the user at risk', async () => {
    const user = await rg.addUser('bob', { password: BREACHED });
    const client = new TestClient(rg.app, IP.london);
    await client.signIn('bob', BREACHED);
    await client.submit('/auth/flow/notice', {}, { action: 'continue' });
    await client.submit('/auth/flow/mfa', { code: rg.totp(user.totpSecret!) });
    const page = await client.submit('/auth/flow/change-password', {
      newPassword: IN_CORPUS,
      confirmPassword: IN_CORPUS,
    });
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('This password has appeared in a data breach. Choose another.');
    expect((await rg.riskgate.store.identities.getIdentity(user.id)).riskLevel).to.equal('high');
  });

  it('the account password change refuses a password from the corpus and changes nothing', async () => {
    const user = await rg.addUser('alice');
    const client = new TestClient(rg.app, IP.london);
    await client.signIn('alice', user.password);
    await client.get('/auth/account/password');
    const hash = (await rg.riskgate.store.users.findUserById(user.id))!.passwordHash;
    const page = await client.submit('/auth/account/password', {
      currentPassword: user.password,
      newPassword: IN_CORPUS,
      confirmPassword: IN_CORPUS,
    });
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('This password has appeared in a data breach. Choose another.');
    expect((await rg.riskgate.store.users.findUserById(user.id))!.passwordHash).to.equal(hash);
  });
});
