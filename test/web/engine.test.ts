import { expect } from 'chai';
import { startRiskgate, IP, MINUTE, type TestRiskgate } from '../helpers/riskgate.js';

const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

describe('engine API (own primary authentication)', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate();
  });
  afterEach(() => rg.close());

  it('assesses an authenticated sign-in, learns from it, and remediates one that passed MFA', async () => {
    const added = await rg.addUser('alice');
    const user = (await rg.riskgate.directory.findById(added.id))!;
    const home = await rg.riskgate.engine.assessAuthenticated(user, {
      ip: IP.london,
      userAgent: UA,
      deviceId: 'laptop-device-id-000001',
      password: added.password,
    });
    expect(home.decision).to.deep.equal({ kind: 'allow' });
    await rg.riskgate.engine.completeSignIn(home, { mfaPassed: false });
    rg.clock.advance(30 * MINUTE);
    const away = await rg.riskgate.engine.assessAuthenticated(user, {
      ip: IP.sydney,
      userAgent: UA,
      deviceId: null,
      password: added.password,
    });
    expect(away.decision).to.deep.equal({ kind: 'requireMfa' });
    expect(away.drafts.map((d) => d.type)).to.include('impossibleTravel');
    await rg.riskgate.engine.completeSignIn(away, { mfaPassed: true });
    expect(await rg.riskgate.store.detections.activeDetections(added.id)).to.have.length(0);
    const [latest] = await rg.riskgate.store.signIns.recentSignIns(added.id, 1);
    expect(latest!.outcome).to.equal('mfaPassed');
  });
});
