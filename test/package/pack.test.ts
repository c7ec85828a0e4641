/**
 * The package as an app gets it: `npm pack`, install the tarball into a scratch app, run the README's
 * example, create a user with the package's own CLI, and sign in through the example over HTTP.
 * Slow (installs and builds native modules), so it runs once.
 */
import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { TestClient } from '../helpers/client.js';

const root = path.resolve(new URL('../..', import.meta.url).pathname);

async function get(url: string, cookie = ''): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers: { cookie } });
}

describe('package', function () {
  this.timeout(600_000);
  let scratch: string;
  let child: ChildProcess | null = null;

  beforeEach(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'riskgate-pack-'));
  });
  afterEach(() => {
    child?.kill('SIGTERM');
    rmSync(scratch, { recursive: true, force: true });
  });

  it('installs from the packed tarball and the README example app signs a user in', async () => {
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe' });
    const packed = execFileSync('npm', ['pack', '--pack-destination', scratch, '--silent'], {
      cwd: root,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop()!;
    const tarball = path.join(scratch, packed);
    writeFileSync(
      path.join(scratch, 'package.json'),
      JSON.stringify({
        name: 'scratch-app',
        private: true,
        type: 'module',
        allowScripts: { argon2: true, 'better-sqlite3': true, esbuild: true },
      }),
    );
    execFileSync('npm', ['install', '--no-fund', '--no-audit', '--prefer-offline', tarball, 'express@5'], {
      cwd: scratch,
      stdio: 'pipe',
    });
    expect(readdirSync(path.join(scratch, 'node_modules', 'riskgate', 'dist', 'src'))).to.include(
      'index.d.ts',
    );
    copyFileSync(path.join(root, 'test', 'fixtures', 'example-app.mjs'), path.join(scratch, 'app.mjs'));

    const env = {
      ...process.env,
      RISKGATE_DATA_DIR: path.join(scratch, 'data'),
      PORT: '0',
      RISKGATE_PASSWORD: 'orchard lantern mosaic 31',
    };
    execFileSync('npx', ['riskgate', 'user:create', 'paula'], { cwd: scratch, env, stdio: 'pipe' });

    child = spawn(process.execPath, ['app.mjs'], {
      cwd: scratch,
      env: { ...env, TRUST_PROXY: 'loopback' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Riskgate's own JSON log lines share stdout with the app's: wait for the app's line.
    let output = '';
    let port: string | undefined;
    while (!port) {
      const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
      output += chunk.toString();
      port = /listening on (\d+)/.exec(output)?.[1];
    }
    const base = `http://127.0.0.1:${port}`;

    const anonymous = await get(`${base}/`);
    expect(anonymous.status).to.equal(303);
    expect(anonymous.headers.get('location')).to.equal('/auth/sign-in?returnTo=%2F');

    // Drive the real server through the same browser-like client, over a real socket.
    const client = new TestClient(base, '81.2.69.142');
    const landed = await client.signIn('paula', 'orchard lantern mosaic 31');
    expect(landed.status).to.equal(200);
    expect(landed.html).to.equal('Hello paula');
  });
});
