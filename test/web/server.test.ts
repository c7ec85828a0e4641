import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ROOT as root, startServerProcess } from '../helpers/serverProcess.js';

describe('reference server (npm start)', function () {
  this.timeout(30_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-server-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts on PORT with SQLite in RISKGATE_DATA_DIR and protects its demo page', async () => {
    const server = await startServerProcess({ RISKGATE_DATA_DIR: dataDir });
    try {
      expect(server.firstLine).to.contain(dataDir);
      expect((await fetch(`${server.url}/healthz`)).status).to.equal(200);
      const home = await fetch(`${server.url}/`, { redirect: 'manual' });
      expect(home.status).to.equal(303);
      const signIn = await fetch(`${server.url}/auth/sign-in`);
      expect(await signIn.text()).to.contain('name="password"');
    } finally {
      await server.stop();
    }
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    ['a bad variable', { RISKGATE_SIGNIN_RISK_MFA_AT: 'sometimes' }, /RISKGATE_SIGNIN_RISK_MFA_AT/],
    ['production without keys', { NODE_ENV: 'production' }, /RISKGATE_ENCRYPTION_KEY/],
  ];
  for (const [name, env, message] of refusals) {
    it(`refuses to start with ${name}, naming the variable`, () => {
      const result = spawnSync(process.execPath, ['--import=tsx', 'src/server.ts'], {
        cwd: root,
        env: { ...process.env, PORT: '0', RISKGATE_DATA_DIR: dataDir, ...env },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(result.status).to.equal(78);
      expect(result.stderr).to.match(message);
    });
  }
});
