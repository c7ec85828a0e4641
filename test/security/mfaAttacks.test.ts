import { expect } from 'chai';
import { startLiveServer, startOn, type LiveServer } from './harness.js';
import { JOURNEYS } from './journeys.js';
import { IP, MINUTE } from '../helpers/riskgate.js';

describe('security: TOTP replay and brute force', function () {
  this.timeout(120_000);
  let s: LiveServer;
  beforeEach(async () => {
    s = await startLiveServer({ throttle: { windowSeconds: 900, maxPerIp: 500, maxPerUsername: 500 } });
  });
  afterEach(() => s.close());

  it('a code from an older time step is refused once a newer one was used (no replay inside the ±1 window)', async () => {
    const first = await JOURNEYS.riskyMfa(s);
    const newer = s.totp(first.totpSecret!, 1); // accepted: the next step is inside the tolerance
    expect((await first.client.submit('/auth/flow/mfa', { code: newer })).html).to.contain('signed in as');
    s.clock.advance(2 * MINUTE);
    const second = s.client(IP.sydney);
    await second.signIn(first.username, first.password);
    await second.submit('/auth/flow/notice', {}, { action: 'continue' });
    // The attacker shoulder-surfed an older code and the one already used: both refused.
    s.clock.advance(-2 * MINUTE);
    for (const code of [s.totp(first.totpSecret!, 0), newer]) {
      const page = await second.submit('/auth/flow/mfa', { code });
      expect(page.status).to.equal(400);
      expect(page.html).to.contain('did not work');
    }
  });

  it('guessing codes stops after the per-flow cap, and even the right code then fails', async () => {
    const j = await JOURNEYS.riskyMfa(s);
    for (let i = 0; i < 5; i++) await j.client.submit('/auth/flow/mfa', { code: String(100000 + i) });
    expect(j.client.last.html).to.contain('Too many incorrect codes');
    expect(await j.client.get('/auth/flow/mfa')).to.have.property('status', 429);
    const page = await j.client.postRaw('/auth/flow/mfa', { code: j.code() });
    expect(page.html).to.not.contain('signed in as');
  });

  it('an attacker with the password starting flow after flow gets no more than the per-user cap of guesses', async () => {
    const j = await JOURNEYS.riskyMfa(s);
    for (let flow = 0; flow < 3; flow++) {
      const attacker = s.client(IP.sydney);
      await attacker.signIn(j.username, j.password);
      await attacker.submit('/auth/flow/notice', {}, { action: 'continue' });
      for (let i = 0; i < 5; i++)
        await attacker.submit('/auth/flow/mfa', { code: String(200000 + flow * 10 + i) });
      expect(attacker.last.html).to.contain('Too many incorrect codes');
    }
    expect(await s.riskgate.store.counters.count(`mfa-failures:${j.userId}`, s.clock.now())).to.equal(15);
    // Locked for this user now, whichever flow asks and whatever code it gets.
    const last = s.client(IP.sydney);
    await last.signIn(j.username, j.password);
    await last.submit('/auth/flow/notice', {}, { action: 'continue' });
    expect((await last.submit('/auth/flow/mfa', { code: s.totp(j.totpSecret!) })).html).to.contain(
      'Too many incorrect codes',
    );
  });
});

describe('security: the per-user MFA cap under concurrency', function () {
  this.timeout(120_000);
  let s: LiveServer;
  afterEach(() => s?.close());
  for (const backend of ['SQLite', 'PostgreSQL'] as const) {
    it(`guesses from ten flows at once, one short of the per-user cap, get exactly one more try (${backend})`, async function () {
      const live = await startOn(backend, this, {
        throttle: { windowSeconds: 900, maxPerIp: 500, maxPerUsername: 500 },
      });
      if (!live) return;
      s = live;
      const j = await JOURNEYS.riskyMfa(s);
      const mfaPage = async () => {
        const attacker = s.client(IP.sydney);
        await attacker.signIn(j.username, j.password);
        await attacker.submit('/auth/flow/notice', {}, { action: 'continue' });
        return attacker;
      };
      for (const tries of [5, 5, 4]) {
        const attacker = await mfaPage();
        for (let i = 0; i < tries; i++) await attacker.submit('/auth/flow/mfa', { code: String(400000 + i) });
      }
      const key = `mfa-failures:${j.userId}`;
      expect(await s.riskgate.store.counters.count(key, s.clock.now())).to.equal(14);
      const attackers = [];
      for (let flow = 0; flow < 10; flow++) attackers.push(await mfaPage());
      // All ten post together: a check-then-count cap would let every one of them through.
      await Promise.all(attackers.map((a, i) => a.submit('/auth/flow/mfa', { code: String(500000 + i) })));
      // Exactly one code was checked (and failed); every other post was turned away unchecked.
      expect(attackers.filter((a) => a.last.html.includes('did not work'))).to.have.length(1);
      expect(attackers.filter((a) => a.last.html.includes('Too many incorrect codes'))).to.have.length(9);
    });
  }
});
