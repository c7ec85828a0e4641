import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configFromEnv, ENV_VARIABLES } from '../../src/config/env.js';
import { ConfigError, parseConfig } from '../../src/config/options.js';
import { resolveSecrets } from '../../src/config/secrets.js';

function expectConfigError(fn: () => unknown, mentions: RegExp): void {
  let error: unknown = null;
  try {
    fn();
  } catch (caught) {
    error = caught;
  }
  expect(error, 'expected a ConfigError').to.be.instanceOf(ConfigError);
  expect((error as Error).message).to.match(mentions);
}

describe('configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('an empty environment gives the documented defaults', () => {
    const { options, server } = configFromEnv({});
    const config = parseConfig(options);
    expect(server).to.deep.equal({ port: 3000, host: '127.0.0.1', policyFile: null });
    expect(config.dataDir).to.equal('./data');
    expect(config.basePath).to.equal('/auth');
    expect(config.policies.signInRisk.mfaAt).to.equal('low');
  });

  it('variables set the options they name', () => {
    const { options, server } = configFromEnv({
      PORT: '8080',
      RISKGATE_DATA_DIR: dir,
      RISKGATE_SIGNIN_RISK_MFA_AT: 'high',
      RISKGATE_MFA_REGISTRATION_POLICY: 'on',
      RISKGATE_MFA_REGISTRATION_GRACE_DAYS: '7',
      RISKGATE_TRUST_PROXY: 'loopback, 10.0.0.0/8',
      RISKGATE_SESSION_IDLE_MINUTES: '15',
    });
    const config = parseConfig(options);
    expect(server.port).to.equal(8080);
    expect(config.dataDir).to.equal(dir);
    expect(config.policies.signInRisk.mfaAt).to.equal('high');
    expect(config.policies.mfaRegistration).to.include({ mode: 'on', graceDays: 7 });
    expect(config.trustProxy).to.deep.equal(['loopback', '10.0.0.0/8']);
    expect(config.sessionIdleMinutes).to.equal(15);
  });

  it('a signed-in session lasts 8 hours from sign-in and 30 idle minutes by default; 0 turns the idle limit off', () => {
    expect(parseConfig({})).to.include({ sessionMaxAgeMinutes: 480, sessionIdleMinutes: 30 });
    expect(
      parseConfig(configFromEnv({ RISKGATE_SESSION_IDLE_MINUTES: '0' }).options).sessionIdleMinutes,
    ).to.equal(0);
  });

  const bad: [Record<string, string>, RegExp][] = [
    [{ PORT: 'eighty' }, /PORT/],
    [{ RISKGATE_MFA_REGISTRATION_GRACE_DAYS: '45' }, /RISKGATE_MFA_REGISTRATION_GRACE_DAYS/],
    [{ RISKGATE_MFA_REGISTRATION_GRACE_DAYS: 'two weeks' }, /RISKGATE_MFA_REGISTRATION_GRACE_DAYS/],
    [{ RISKGATE_SIGNIN_RISK_POLICY: 'maybe' }, /RISKGATE_SIGNIN_RISK_POLICY/],
    [{ RISKGATE_BASE_PATH: 'auth/' }, /RISKGATE_BASE_PATH/],
    [{ RISKGATE_LOCKOUT_THRESHOLD: '0' }, /RISKGATE_LOCKOUT_THRESHOLD/],
    [{ RISKGATE_SESSION_SECRET: 'short' }, /RISKGATE_SESSION_SECRET/],
    [{ RISKGATE_SESSION_IDLE_MINUTES: '-1' }, /RISKGATE_SESSION_IDLE_MINUTES/],
    [{ RISKGATE_SESSION_IDLE_MINUTES: 'half an hour' }, /RISKGATE_SESSION_IDLE_MINUTES/],
    [{ RISKGATE_DATABASE_URL: 'mysql://db/riskgate' }, /RISKGATE_DATABASE_URL/],
  ];
  for (const [env, mentions] of bad) {
    it(`a bad ${Object.keys(env)[0]} stops start-up with a message naming it`, () => {
      expectConfigError(() => configFromEnv(env), mentions);
    });
  }

  it('a policy file sets policies and the variables override it', () => {
    const file = path.join(dir, 'policies.json');
    writeFileSync(
      file,
      JSON.stringify({
        signInRisk: { mfaAt: 'high', scope: { excludeGroups: ['break-glass'] } },
        userRisk: { blockAt: 'high' },
      }),
    );
    const config = parseConfig(
      configFromEnv({ RISKGATE_POLICY_FILE: file, RISKGATE_SIGNIN_RISK_MFA_AT: 'low' }).options,
    );
    expect(config.policies.signInRisk.mfaAt).to.equal('low');
    expect(config.policies.signInRisk.scope.excludeGroups).to.deep.equal(['break-glass']);
    expect(config.policies.userRisk.blockAt).to.equal('high');
  });

  it('a broken policy file is named in the error', () => {
    const file = path.join(dir, 'policies.json');
    writeFileSync(file, JSON.stringify({ signInRisk: { mfaAt: 'sometimes' } }));
    expectConfigError(
      () => configFromEnv({ RISKGATE_POLICY_FILE: file }),
      /RISKGATE_POLICY_FILE.*signInRisk\.mfaAt/,
    );
    expectConfigError(
      () => configFromEnv({ RISKGATE_POLICY_FILE: path.join(dir, 'missing.json') }),
      /RISKGATE_POLICY_FILE/,
    );
  });

  it('production refuses to start without an encryption key and a session secret', () => {
    expectConfigError(
      () => resolveSecrets(parseConfig({ production: true, dataDir: dir })),
      /RISKGATE_ENCRYPTION_KEY.*RISKGATE_SESSION_SECRET/,
    );
  });

  it('a malformed encryption key is refused', () => {
    expectConfigError(
      () =>
        resolveSecrets(
          parseConfig({ dataDir: dir, encryptionKey: 'not-a-key', sessionSecret: 'x'.repeat(40) }),
        ),
      /RISKGATE_ENCRYPTION_KEY/,
    );
  });

  it('development secrets are generated once, kept private, and reused', () => {
    const first = resolveSecrets(parseConfig({ dataDir: dir }));
    const second = resolveSecrets(parseConfig({ dataDir: dir }));
    expect(first.masterKey.equals(second.masterKey)).to.equal(true);
    expect(first.sessionSecrets).to.deep.equal(second.sessionSecrets);
    expect(statSync(path.join(dir, 'dev-secrets.json')).mode & 0o777).to.equal(0o600);
  });

  it('.env.example documents every variable', () => {
    const example = readFileSync(new URL('../../.env.example', import.meta.url), 'utf8');
    for (const variable of ENV_VARIABLES) expect(example, variable.name).to.contain(`${variable.name}=`);
  });
});
