/** How mails leave: the development folder, retries, a dead server, SMTP authentication, bad settings. */
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startRiskgate, IP, DAY, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { TestSmtp } from '../helpers/smtp.js';
import { MemoryLog } from '../ops/memoryLog.js';
import { createLogger } from '../../src/ops/logging.js';
import { createRiskgate } from '../../src/riskgate.js';
import { configFromEnv } from '../../src/config/env.js';

const ALICE = 'alice@example.com';

function configFromEnvError(env: Record<string, string>): string {
  try {
    configFromEnv(env);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

/** A loopback port with nothing listening: an SMTP server that is down. */
async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Home, then a day later from Paris: an allowed sign-in that mails alice (MFA is off for it). */
async function unfamiliarSignIn(rg: TestRiskgate) {
  const user = await rg.addUser('alice', { email: ALICE });
  await new TestClient(rg.app, IP.london).signIn('alice', user.password);
  rg.clock.advance(DAY);
  const page = await new TestClient(rg.app, IP.paris).signIn('alice', user.password);
  return { user, page };
}

describe('mail delivery', () => {
  let rg: TestRiskgate | null = null;
  let smtp: TestSmtp | null = null;
  let log: MemoryLog;
  beforeEach(() => {
    log = new MemoryLog();
  });
  afterEach(async () => {
    await rg?.close();
    await smtp?.close();
    rg = null;
    smtp = null;
  });

  const noMfa = { signInRisk: { mfaAt: 'off' as const } };

  it('without SMTP settings each mail is written as an .eml file (mode 0600) into <data>/mail', async () => {
    rg = await startRiskgate({ policies: noMfa, jobs: { enabled: false } });
    await unfamiliarSignIn(rg);
    await rg.riskgate.notifications.settled();
    const dir = path.join(rg.dataDir, 'mail');
    const files = readdirSync(dir);
    expect(files).to.have.length(1);
    expect(files[0]).to.match(/\.eml$/);
    expect(statSync(path.join(dir, files[0]!)).mode & 0o777).to.equal(0o600);
    const eml = readFileSync(path.join(dir, files[0]!), 'utf8');
    expect(eml).to.contain('Subject: New sign-in to your Riskgate account');
    expect(eml).to.contain(`To: ${ALICE}`);
    expect(eml).to.contain('http://127.0.0.1:3000/auth/not-me/');
  });

  it('an SMTP server that is down breaks no sign-in: the mail is retried, then given up and logged', async () => {
    const port = await deadPort();
    rg = await startRiskgate({
      policies: noMfa,
      jobs: { enabled: false },
      logger: createLogger('info', log),
      mail: { smtp: { host: '127.0.0.1', port, requireTls: false }, retryDelayMs: 1, maxAttempts: 3 },
    });
    const { page } = await unfamiliarSignIn(rg);
    expect(page.status).to.equal(200);
    expect(page.html).to.contain('signed in as');
    await rg.riskgate.notifications.settled();
    const mailLines = log.lines.filter((l) => l.event === 'mail');
    expect(mailLines.filter((l) => l.msg === 'mail failed, will retry')).to.have.length(2);
    const givenUp = mailLines.find((l) => l.msg === 'mail given up')!;
    expect(givenUp).to.deep.include({ kind: 'unfamiliarSignIn', attempts: 3, recipients: 1 });
    expect(givenUp.err).to.deep.include({ errorCode: 'ESOCKET' });
    // No address and no link in the logs.
    expect(log.text()).to.not.contain(ALICE);
    expect(log.text()).to.not.contain('not-me/');
    const metrics = await rg.riskgate.metrics.register.getSingleMetricAsString('riskgate_mails_total');
    expect(metrics).to.contain('riskgate_mails_total{kind="unfamiliarSignIn",result="failed"} 1');
  });

  it('closing Riskgate does not wait out the retry pauses: the mail is given up and logged', async () => {
    const port = await deadPort();
    rg = await startRiskgate({
      jobs: { enabled: false },
      logger: createLogger('info', log),
      // Ten minutes between attempts: close() would hang the test if it waited for them.
      mail: { smtp: { host: '127.0.0.1', port, requireTls: false }, retryDelayMs: 600_000, maxAttempts: 5 },
    });
    const user = await rg.addUser('alice', { email: ALICE });
    rg.riskgate.notifications.mfaChanged(user.id, 'reset');
    await log.waitFor((l) => l.msg === 'mail failed, will retry', 5000);
    await rg.close();
    rg = null;
    expect(log.lines.find((l) => l.msg === 'mail given up: shutting down')).to.deep.include({
      kind: 'mfaChanged',
      attempts: 1,
    });
  });

  it('a temporary SMTP failure is retried and the mail arrives once', async () => {
    smtp = await TestSmtp.start();
    smtp.failNext = 2;
    rg = await startRiskgate({
      policies: noMfa,
      jobs: { enabled: false },
      logger: createLogger('info', log),
      mail: smtp.options(),
    });
    await unfamiliarSignIn(rg);
    await rg.riskgate.notifications.settled();
    expect(smtp.to(ALICE)).to.have.length(1);
    expect(log.lines.filter((l) => l.msg === 'mail failed, will retry')).to.have.length(2);
    expect(log.lines.find((l) => l.msg === 'mail sent')).to.deep.include({
      kind: 'unfamiliarSignIn',
      attempt: 3,
    });
  });

  it('SMTP authentication: the right password sends, a wrong one is given up without logging it', async () => {
    smtp = await TestSmtp.start({ user: 'mailer', password: 'smtp-secret-right' });
    rg = await startRiskgate({
      jobs: { enabled: false },
      logger: createLogger('info', log),
      mail: smtp.options({
        smtp: {
          host: '127.0.0.1',
          port: smtp.port,
          requireTls: false,
          user: 'mailer',
          password: 'smtp-secret-right',
        },
      }),
    });
    const user = await rg.addUser('alice', { email: ALICE });
    rg.riskgate.notifications.mfaChanged(user.id, 'reset');
    await rg.riskgate.notifications.settled();
    expect(smtp.to(ALICE)).to.have.length(1);
    await rg.close();

    rg = await startRiskgate({
      jobs: { enabled: false },
      logger: createLogger('info', log),
      mail: smtp.options({
        maxAttempts: 1,
        smtp: {
          host: '127.0.0.1',
          port: smtp.port,
          requireTls: false,
          user: 'mailer',
          password: 'smtp-secret-wrong',
        },
      }),
    });
    const bob = await rg.addUser('bob', { email: 'bob@example.com' });
    rg.riskgate.notifications.mfaChanged(bob.id, 'reset');
    await rg.riskgate.notifications.settled();
    expect(smtp.to('bob@example.com')).to.have.length(0);
    expect(log.lines.find((l) => l.msg === 'mail given up')).to.deep.include({ kind: 'mfaChanged' });
    expect(log.text()).to.not.contain('smtp-secret');
  });

  it('STARTTLS is required by default: a server without it gets no mail rather than a clear-text one', async () => {
    smtp = await TestSmtp.start();
    rg = await startRiskgate({
      jobs: { enabled: false },
      logger: createLogger('info', log),
      mail: { smtp: { host: '127.0.0.1', port: smtp.port }, maxAttempts: 1 },
    });
    const user = await rg.addUser('alice', { email: ALICE });
    rg.riskgate.notifications.mfaChanged(user.id, 'reset');
    await rg.riskgate.notifications.settled();
    expect(smtp.mails).to.have.length(0);
    expect(log.lines.find((l) => l.msg === 'mail given up')).to.not.equal(undefined);
  });

  it('production with an SMTP host but no public URL refuses to start, naming the setting', async () => {
    let caught: unknown;
    try {
      // Refused while the options are checked, before any folder or database is touched.
      await createRiskgate({
        production: true,
        dataDir: path.join(os.tmpdir(), `riskgate-never-created-${process.pid}`),
        mail: { smtp: { host: 'smtp.example.com' } },
      });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).to.match(/publicUrl: required with an SMTP host in production/);
    expect(configFromEnvError({ NODE_ENV: 'production', RISKGATE_SMTP_HOST: 'smtp.example.com' })).to.contain(
      'RISKGATE_PUBLIC_URL: required with an SMTP host in production',
    );
  });

  it('mail settings come from the environment, and bad ones are named', () => {
    const { options } = configFromEnv({
      RISKGATE_SMTP_HOST: 'smtp.example.com',
      RISKGATE_SMTP_PORT: '465',
      RISKGATE_SMTP_SECURE: 'true',
      RISKGATE_SMTP_USER: 'mailer',
      RISKGATE_SMTP_PASSWORD: 'pw',
      RISKGATE_ALERT_ADDRESSES: 'soc@example.com, ciso@example.com',
      RISKGATE_ALERT_LEVEL: 'medium',
      RISKGATE_PUBLIC_URL: 'https://login.example.com',
    });
    expect(options.mail).to.deep.include({
      smtp: { host: 'smtp.example.com', port: 465, secure: true, user: 'mailer', password: 'pw' },
      adminAddresses: ['soc@example.com', 'ciso@example.com'],
      alertLevel: 'medium',
    });
    const bad = configFromEnvError;
    expect(bad({ RISKGATE_ALERT_ADDRESSES: 'soc@example.com,not-an-address' })).to.contain(
      'RISKGATE_ALERT_ADDRESSES',
    );
    expect(bad({ RISKGATE_SMTP_PORT: '2525' })).to.contain('RISKGATE_SMTP_HOST');
    expect(bad({ RISKGATE_SMTP_HOST: 'h', RISKGATE_SMTP_USER: 'u' })).to.contain('RISKGATE_SMTP_PASSWORD');
    expect(bad({ RISKGATE_PUBLIC_URL: 'https://login.example.com/auth' })).to.contain('RISKGATE_PUBLIC_URL');
    expect(bad({ RISKGATE_ALERT_LEVEL: 'severe' })).to.contain('RISKGATE_ALERT_LEVEL');
  });
});
