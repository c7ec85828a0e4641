import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(new URL('../..', import.meta.url).pathname);

function runCli(dataDir: string, args: string[], input?: string) {
  const result = spawnSync(process.execPath, ['--import=tsx', 'src/cli/main.ts', ...args], {
    cwd: root,
    env: { ...process.env, RISKGATE_DATA_DIR: dataDir, RISKGATE_PASSWORD: '' },
    input,
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe('command line', function () {
  this.timeout(60_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-cli-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const cli = (args: string[], input?: string) => runCli(dataDir, args, input);

  it('creates a user with a password from stdin and lists it', () => {
    const created = cli(
      ['user:create', 'Alice', '--groups', 'staff,ops', '--password-stdin'],
      'moonlit harbor sparrow\n',
    );
    expect(created.code, created.err).to.equal(0);
    expect(created.out).to.contain('Created user alice');
    const listed = cli(['user:list']);
    expect(listed.out).to.match(/alice\tnone\tnone\tno\tstaff,ops/);
    expect(listed.out).to.contain('1 of 1 users');
  });

  it('refuses a breached password, a duplicate user and a missing password with exit 64', () => {
    expect(cli(['user:create', 'bob', '--password-stdin'], 'password123\n')).to.include({ code: 64 });
    cli(['user:create', 'carol', '--password-stdin'], 'moonlit harbor sparrow\n');
    const duplicate = cli(['user:create', 'carol', '--password-stdin'], 'another fine phrase\n');
    expect(duplicate.code).to.equal(64);
    expect(duplicate.err).to.contain('already exists');
    expect(cli(['user:create', 'dan']).err).to.contain('Give a password');
  });

  it('refuses a password longer than 128 characters when creating a user or setting a password (ASVS 2.1.2)', () => {
    const tooLong = 'moonlit harbor sparrow '.repeat(6).slice(0, 129);
    const created = cli(['user:create', 'frank', '--password-stdin'], `${tooLong}\n`);
    expect(created.code).to.equal(64);
    expect(created.err).to.contain('use at most 128 characters');
    cli(['user:create', 'gina', '--password-stdin'], 'moonlit harbor sparrow\n');
    const set = cli(['user:set-password', 'gina', '--password-stdin'], `${tooLong}\n`);
    expect(set.code).to.equal(64);
    expect(set.err).to.contain('use at most 128 characters');
  });

  it('sets a password, issues a temporary password, and refuses a reset for a user without MFA', () => {
    cli(['user:create', 'erin', '--password-stdin'], 'moonlit harbor sparrow\n');
    expect(cli(['user:set-password', 'erin', '--password-stdin'], 'brand new phrase here\n').code).to.equal(
      0,
    );
    expect(cli(['user:set-password', 'nobody', '--password-stdin'], 'brand new phrase here\n').code).to.equal(
      64,
    );
    expect(cli(['user:temp-password', 'erin']).out).to.match(
      /Temporary password for erin \(shown once\): \S{16}/,
    );
    const reset = cli(['user:require-reset', 'erin']);
    expect(reset.code).to.equal(64);
    expect(reset.err).to.contain('no authenticator');
  });

  it('sets up demo users once and prints their authenticator keys', () => {
    const first = cli(['demo']);
    expect(first.code, first.err).to.equal(0);
    expect(first.out).to.contain('authenticator key');
    expect(cli(['demo']).out).to.contain('exists already');
    expect(cli(['user:list']).out).to.contain('3 of 3 users');
  });

  it('an unknown command or option prints usage and fails', () => {
    expect(cli(['explode'])).to.include({ code: 64 });
    expect(cli(['user:list', '--colour']).code).to.equal(64);
  });
});

describe('command line: leaked pairs', function () {
  this.timeout(60_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-cli-leaks-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  const cli = (args: string[], input?: string) => runCli(dataDir, args, input);

  it('imported pairs that still match raise user risk to high; the others are dropped; nothing stays stored', () => {
    cli(['user:create', 'alice', '--password-stdin'], 'moonlit harbor sparrow\n');
    cli(['user:create', 'bob', '--password-stdin'], 'granite willow beacon\n');
    const file = path.join(dataDir, 'dump.txt');
    writeFileSync(file, 'alice:moonlit harbor sparrow\nbob,an old password\nnobody:whatever\nbroken line\n');
    const imported = cli(['leaks:import', file]);
    expect(imported.code, imported.err).to.equal(0);
    expect(imported.out).to.contain('3 pair(s) queued');
    expect(imported.out).to.contain('1 unreadable line(s) skipped');
    const ran = cli(['jobs:run']);
    expect(ran.out).to.contain('leakedPairs: 3 leaked pair(s) checked, 1 still matching');
    expect(cli(['user:list']).out).to.match(/alice\thigh\tatRisk/);
    expect(cli(['user:list']).out).to.match(/bob\tnone\tnone/);
    for (const file of ['riskgate.sqlite', 'riskgate.sqlite-wal']) {
      const bytes = existsSync(path.join(dataDir, file))
        ? readFileSync(path.join(dataDir, file))
        : Buffer.alloc(0);
      expect(bytes.includes(Buffer.from('moonlit harbor sparrow')), file).to.equal(false);
    }
  });
});
