import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { generateSync } from 'otplib';
import { TestClient } from '../helpers/client.js';
import { startRiskgate, type TestRiskgate } from '../helpers/riskgate.js';
import { LEAKED, TRAVEL, signInRecord } from './helpers.js';
import { RiskService } from '../../src/remediation/riskService.js';
import type { DetectionDraft } from '../../src/domain/risk.js';

const root = path.resolve(new URL('../..', import.meta.url).pathname);

describe('admin command line', function () {
  this.timeout(90_000);
  let dataDir: string;
  let rg: TestRiskgate;
  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-admin-cli-'));
    rg = await startRiskgate({}, dataDir);
  });
  afterEach(async () => {
    await rg.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cli = (...args: string[]) => {
    const result = spawnSync(process.execPath, ['--import=tsx', 'src/cli/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, RISKGATE_DATA_DIR: dataDir },
      encoding: 'utf8',
    });
    return { code: result.status, out: result.stdout, err: result.stderr };
  };

  async function risky(name: string, drafts: DetectionDraft[]) {
    const user = await rg.addUser(name);
    const at = rg.clock.now();
    await rg.riskgate.store.signIns.recordSignIn(signInRecord(`si-${name}`, user.id, name, at));
    await new RiskService(rg.riskgate.store).addDetections(user.id, `si-${name}`, drafts, at);
    return user;
  }

  it('admin:create prints a password and authenticator key once; they open the console', async () => {
    const created = cli('admin:create', 'boss');
    expect(created.code, created.err).to.equal(0);
    const password = /password: +(\S+)/.exec(created.out)![1]!;
    const secret = /authenticator key: +(\S+)/.exec(created.out)![1]!;
    expect(created.out).to.contain('otpauth://totp/');
    const client = new TestClient(rg.app);
    await client.signIn('boss', password);
    await client.get('/admin/');
    const code = generateSync({ secret, epoch: Math.floor(rg.clock.now() / 1000) });
    const page = await client.submit('/admin/mfa', { code });
    expect(page.html).to.contain('Users at risk');
    expect(cli('admin:create', 'boss').code).to.equal(64);
  });

  it('token:create, token:list and token:revoke manage API tokens', async () => {
    const created = cli('token:create', 'nightly', '--reason', 'export job');
    expect(created.code, created.err).to.equal(0);
    const token = created.out.trim().split('\n').pop()!;
    expect(
      (await request(rg.app).get('/admin/api/v1/me').set('Authorization', `Bearer ${token}`)).status,
    ).to.equal(200);
    const listed = cli('token:list');
    const id = /^(\S+) {2}nightly/m.exec(listed.out)![1]!;
    expect(listed.out).to.contain('(command line)');
    expect(cli('token:revoke', id).code).to.equal(0);
    expect(
      (await request(rg.app).get('/admin/api/v1/me').set('Authorization', `Bearer ${token}`)).status,
    ).to.equal(401);
    expect(cli('token:revoke', id).code).to.equal(64);
  });

  it('users:risky lists, user:dismiss-risk dismisses (with a reason), risk:bulk-dismiss by level', async () => {
    await risky('high1', [LEAKED]);
    await risky('low1', [{ ...TRAVEL, level: 'low' }]);
    await risky('low2', [{ ...TRAVEL, level: 'low' }]);
    const listed = cli('users:risky');
    expect(listed.out).to.match(/^high1\thigh\tatRisk/m);
    expect(listed.out).to.contain('3 of 3 risky user(s)');
    const noReason = cli('user:dismiss-risk', 'high1');
    expect(noReason.code).to.equal(64);
    expect(noReason.err).to.contain('--reason');
    expect(cli('user:dismiss-risk', 'high1', '--reason', 'false alarm').out).to.contain(
      '1 detection(s) closed',
    );
    const bulk = cli('risk:bulk-dismiss', '--level', 'low', '--reason', 'noise');
    expect(bulk.out).to.contain('Dismissed the risk of 2 user(s).');
    expect(cli('users:risky', '--state', 'atRisk').out).to.contain('0 of 0');
    const audit = await rg.riskgate.store.audit.listAudit({ action: 'user.dismissRisk', limit: 10 });
    expect(audit).to.have.length(3);
    expect(audit[0]!.actor.kind).to.equal('cli');
  });

  it('user:block, user:unblock, user:reset-mfa and sessions:revoke act and refuse like the console', async () => {
    const dana = await rg.addUser('dana');
    const browser = new TestClient(rg.app);
    await browser.signIn('dana', dana.password);
    expect(cli('sessions:revoke', 'dana', '--reason', 'lost laptop').out).to.contain('1 session(s) ended');
    expect(cli('user:block', 'dana', '--reason', 'left').code).to.equal(0);
    expect((await rg.riskgate.store.identities.getIdentity(dana.id)).blocked).to.equal(true);
    const again = cli('user:block', 'dana', '--reason', 'left');
    expect(again.code).to.equal(64);
    expect(again.err).to.contain('already blocked');
    expect(cli('user:unblock', 'dana', '--reason', 'back').code).to.equal(0);
    expect(cli('user:reset-mfa', 'dana', '--reason', 'new phone').code).to.equal(0);
    expect((await rg.riskgate.store.identities.getIdentity(dana.id)).totpSecret).to.equal(null);
    expect(cli('user:reset-mfa', 'nobody', '--reason', 'x y z').err).to.contain('No user named');
  });

  /** The .eml files the command line wrote to the outbox folder (no SMTP host set), as raw text. */
  const mailsTo = (address: string) => {
    const dir = path.join(dataDir, 'mail');
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => name.endsWith('.eml'))
      .map((name) => readFileSync(path.join(dir, name), 'utf8'))
      .filter((raw) => raw.includes(address));
  };

  it('user:reset-mfa and user:set-password from the command line mail the owner, as the console does', async () => {
    await rg.addUser('erin', { email: 'erin@example.com' });
    expect(cli('user:reset-mfa', 'erin', '--reason', 'lost phone').code).to.equal(0);
    const afterReset = mailsTo('erin@example.com');
    expect(afterReset).to.have.length(1);
    expect(afterReset[0]).to.match(/authenticator/i);
    const set = spawnSync(
      process.execPath,
      ['--import=tsx', 'src/cli/main.ts', 'user:set-password', 'erin', '--password-stdin'],
      {
        cwd: root,
        env: { ...process.env, RISKGATE_DATA_DIR: dataDir },
        encoding: 'utf8',
        input: 'quiet copper lantern 42\n',
      },
    );
    expect(set.status, set.stderr).to.equal(0);
    const mails = mailsTo('erin@example.com');
    expect(mails).to.have.length(2);
    expect(mails.some((raw) => /password/i.test(raw) && !raw.includes('quiet copper lantern'))).to.equal(
      true,
    );
  });
});
