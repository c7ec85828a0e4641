import { expect } from 'chai';
import { startRiskgate, IP, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { signInAtHomeThenAbroad } from '../helpers/scenarios.js';
import { MemoryLog } from '../ops/memoryLog.js';
import { createLogger } from '../../src/ops/logging.js';
import { TestSmtp } from '../helpers/smtp.js';

/** ASVS 2.8.5: a TOTP code whose time step was already used is refused, logged and recorded. */
describe('a reused TOTP code', () => {
  let rg: TestRiskgate;
  let log: MemoryLog;
  beforeEach(async () => {
    log = new MemoryLog();
    rg = await startRiskgate({ logger: createLogger('info', log) });
  });
  afterEach(() => rg.close());

  /** Alice passes MFA from Tokyo with `code`; then a second browser in Tokyo reaches the MFA step. */
  async function codeUsedThenSecondFlow() {
    const { user, away } = await signInAtHomeThenAbroad(rg, 'alice');
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    const code = rg.totp(user.totpSecret!);
    expect((await away.submit('/auth/flow/mfa', { code })).html).to.contain('signed in as');
    const relay = new TestClient(rg.app, IP.tokyo);
    await relay.signIn('alice', user.password);
    await relay.submit('/auth/flow/notice', {}, { action: 'continue' });
    const [signIn] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
    return { user, code, relay, signInId: signIn!.id };
  }

  const reuseLines = () => log.lines.filter((line) => line.event === 'totpReuse');

  it('is refused, logged as a warning without the code or the secret, and recorded as a low reusedOtp detection on that sign-in', async () => {
    const { user, code, relay, signInId } = await codeUsedThenSecondFlow();
    const page = await relay.submit('/auth/flow/mfa', { code });
    expect(page.status).to.equal(400);
    expect(page.html).to.contain('did not work');

    const [line, ...more] = reuseLines();
    expect(more).to.have.length(0);
    expect(line).to.include({ level: 40, userId: user.id, signInId, concurrent: false });
    expect(log.text()).to.not.contain(code);
    expect(log.text()).to.not.contain(user.totpSecret!);

    const reused = (await rg.riskgate.store.detections.detectionsForSignIn(signInId)).filter(
      (d) => d.type === 'reusedOtp',
    );
    expect(reused).to.have.length(1);
    expect(reused[0]).to.include({ level: 'low', timing: 'realtime', status: 'active' });
    expect(reused[0]!.evidence).to.equal(undefined);
    expect(JSON.stringify(reused[0])).to.not.contain(code);
  });

  it('a fresh code afterwards still works, and closes the reuse detection with the rest of the sign-in', async () => {
    const { user, code, relay, signInId } = await codeUsedThenSecondFlow();
    await relay.submit('/auth/flow/mfa', { code });
    const next = rg.totp(user.totpSecret!, 1);
    expect((await relay.submit('/auth/flow/mfa', { code: next })).html).to.contain('signed in as');
    const reused = (await rg.riskgate.store.detections.detectionsForSignIn(signInId)).find(
      (d) => d.type === 'reusedOtp',
    );
    expect(reused).to.include({ status: 'closed', closedBy: 'remediated' });
  });

  it('a wrong code is not a reuse: nothing logged as one, nothing recorded', async () => {
    const { relay, signInId } = await codeUsedThenSecondFlow();
    const page = await relay.submit('/auth/flow/mfa', { code: '000000' });
    expect(page.status).to.equal(400);
    expect(reuseLines()).to.have.length(0);
    const types = (await rg.riskgate.store.detections.detectionsForSignIn(signInId)).map((d) => d.type);
    expect(types).to.not.include('reusedOtp');
  });
});

describe('a reused TOTP code: the holder is told', () => {
  let smtp: TestSmtp;
  let rg: TestRiskgate;
  beforeEach(async () => {
    smtp = await TestSmtp.start();
    rg = await startRiskgate({
      appName: 'Example Portal',
      publicUrl: 'https://login.example.com',
      mail: smtp.options(),
      jobs: { enabled: false },
    });
  });
  afterEach(async () => {
    await rg.close();
    await smtp.close();
  });

  it('mails the owner that a used code was entered and refused, without the code', async () => {
    const { user, away } = await signInAtHomeThenAbroad(rg, 'alice', { email: 'alice@example.com' });
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    const code = rg.totp(user.totpSecret!);
    await away.submit('/auth/flow/mfa', { code });
    const relay = new TestClient(rg.app, IP.tokyo);
    await relay.signIn('alice', user.password);
    await relay.submit('/auth/flow/notice', {}, { action: 'continue' });
    await relay.submit('/auth/flow/mfa', { code });
    await rg.riskgate.notifications.settled();
    const mails = smtp.to('alice@example.com').filter((m) => m.subject.includes('used verification code'));
    expect(mails).to.have.length(1);
    expect(mails[0]!.subject).to.equal(
      'A used verification code was entered for your Example Portal account',
    );
    expect(mails[0]!.text).to.contain('It was refused.');
    expect(mails[0]!.text).to.contain('Change your password');
    expect(mails[0]!.raw).to.not.contain(code);
  });
});
