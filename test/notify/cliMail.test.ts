import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { TestSmtp } from '../helpers/smtp.js';

const run = promisify(execFile);
const root = path.resolve(new URL('../..', import.meta.url).pathname);

describe('command line mails', function () {
  this.timeout(60_000);
  let dataDir: string;
  let smtp: TestSmtp;
  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-cli-mail-'));
    smtp = await TestSmtp.start();
  });
  afterEach(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await smtp.close();
  });

  // Asynchronous child processes, so this process's SMTP server can answer them.
  const cli = (args: string[], input?: string) => {
    const child = run(process.execPath, ['--import=tsx', 'src/cli/main.ts', ...args], {
      cwd: root,
      env: {
        ...process.env,
        RISKGATE_DATA_DIR: dataDir,
        RISKGATE_SMTP_HOST: '127.0.0.1',
        RISKGATE_SMTP_PORT: String(smtp.port),
        RISKGATE_SMTP_REQUIRE_TLS: 'false',
        RISKGATE_MAIL_FROM: 'security@example.com',
      },
    });
    if (input !== undefined) child.child.stdin!.end(input);
    return child;
  };

  it('user:temp-password mails the owner that an administrator set one, without the password', async () => {
    await cli(
      ['user:create', 'erin', '--email', 'erin@example.com', '--password-stdin'],
      'moonlit harbor sparrow\n',
    );
    const { stdout } = await cli(['user:temp-password', 'erin']);
    const password = /\(shown once\): (\S{16})/.exec(stdout)![1]!;
    const [mail] = smtp.to('erin@example.com');
    expect(mail!.text).to.contain('An administrator set a temporary password');
    expect(mail!.raw).to.not.contain(password);
  });
});
