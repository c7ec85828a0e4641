import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRiskgate, IP, MINUTE, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { writeCorpus } from '../../src/signals/breach/build.js';

const FEEDS = path.resolve(new URL('../fixtures/feeds', import.meta.url).pathname);
const TOR_EXIT = '192.0.2.10'; // in test/fixtures/feeds/tor.txt

describe('address and account signals at sign-in', () => {
  let rg: TestRiskgate;
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-signals-'));
    const corpus = path.join(dir, 'pwned.txt');
    await writeCorpus(corpus, [{ password: 'correct horse battery staple', count: 42 }]);
    rg = await startRiskgate({
      feedsDir: FEEDS,
      breachCorpus: corpus,
      lockout: { threshold: 30, durationSeconds: 900 },
    });
  });
  afterEach(async () => {
    await rg.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const typesFor = async (userId: string) =>
    (await rg.riskgate.store.detections.activeDetections(userId)).map((d) => d.type);

  it('a sign-in through a Tor exit asks for MFA (anonymous IP), and travel is not judged from it', async () => {
    const user = await rg.addUser('alice');
    await new TestClient(rg.app, IP.london).signIn('alice', user.password);
    rg.clock.advance(MINUTE);
    const page = await new TestClient(rg.app, TOR_EXIT).signIn('alice', user.password);
    expect(page.html).to.contain('/auth/flow/notice');
    const types = await typesFor(user.id);
    expect(types).to.include('anonymousIp');
    expect(types).to.not.include('impossibleTravel');
  });

  it('a password in the on-disk breach corpus is leaked credentials', async () => {
    const user = await rg.addUser('bob', { password: 'correct horse battery staple' });
    const page = await new TestClient(rg.app, IP.london).signIn('bob', 'correct horse battery staple');
    expect(page.html).to.contain('may be at risk');
    expect(await typesFor(user.id)).to.include('leakedCredentials');
  });

  it('a success after many distinct wrong passwords on the account is brute force', async () => {
    const user = await rg.addUser('carol');
    await new TestClient(rg.app, IP.london).signIn('carol', user.password);
    for (let i = 0; i < 6; i++) await new TestClient(rg.app, IP.london).signIn('carol', `guess number ${i}`);
    const page = await new TestClient(rg.app, IP.london).signIn('carol', user.password);
    expect(page.html).to.contain('/auth/flow/notice');
    expect(await typesFor(user.id)).to.include('bruteForce');
  });

  it('an address failing against many accounts is malicious when it finally gets in', async () => {
    const target = await rg.addUser('dave');
    await new TestClient(rg.app, IP.london).signIn('dave', target.password);
    for (let i = 0; i < 20; i++)
      await new TestClient(rg.app, IP.paris).signIn(`someone${i % 10}`, `guess ${i}`);
    rg.clock.advance(MINUTE);
    const page = await new TestClient(rg.app, IP.paris).signIn('dave', target.password);
    expect(page.html).to.contain('/auth/flow/notice');
    expect(await typesFor(target.id)).to.include('maliciousIp');
  });

  it('an ordinary sign-in from home raises none of these', async () => {
    const user = await rg.addUser('erin');
    await new TestClient(rg.app, IP.london).signIn('erin', user.password);
    const page = await new TestClient(rg.app, IP.london).signIn('erin', user.password);
    expect(page.html).to.contain('signed in as');
    expect(await typesFor(user.id)).to.deep.equal([]);
  });
});
