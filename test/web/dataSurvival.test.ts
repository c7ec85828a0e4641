import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRiskgate, IP, MINUTE, Clock } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';

describe('data survival', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-survival-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('a server stopped and started mid-flow continues the flow and loses nothing recorded', async () => {
    const clock = new Clock();
    const first = await startRiskgate({}, dataDir, clock);
    const user = await first.addUser('alice');
    const home = new TestClient(first.app, IP.london);
    await home.signIn('alice', user.password);
    clock.advance(30 * MINUTE);
    const away = new TestClient(first.app, IP.sydney);
    await away.signIn('alice', user.password);
    await away.submit('/auth/flow/notice', {}, { action: 'continue' });
    const before = await first.riskgate.store.signIns.recentSignIns(user.id, 10);
    const detectionsBefore = await first.riskgate.store.detections.detectionsForUser(user.id);
    await first.close();

    const second = await startRiskgate({}, dataDir, clock);
    try {
      const resumed = new TestClient(second.app, IP.sydney);
      for (const [name, value] of away.cookies) resumed.cookies.set(name, value);
      const mfaPage = await resumed.get('/auth/flow');
      expect(mfaPage.html).to.contain('name="code"');
      const landed = await resumed.submit('/auth/flow/mfa', { code: second.totp(user.totpSecret!) });
      expect(landed.html).to.contain('signed in as');
      const after = await second.riskgate.store.signIns.recentSignIns(user.id, 10);
      expect(after.map((s) => s.id)).to.deep.equal(before.map((s) => s.id));
      expect(
        (await second.riskgate.store.detections.detectionsForUser(user.id)).map((d) => d.id).sort(),
      ).to.deep.equal(detectionsBefore.map((d) => d.id).sort());
      // The session of the first visit survived the restart too.
      const homeAgain = new TestClient(second.app, IP.london);
      for (const [name, value] of home.cookies) homeAgain.cookies.set(name, value);
      expect((await homeAgain.get('/', { follow: false })).status).to.equal(200);
    } finally {
      await second.close();
    }
  });
});
