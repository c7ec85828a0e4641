import { expect } from 'chai';
import { startLiveServer, type LiveServer } from './harness.js';
import { DAY, IP, MINUTE } from '../helpers/riskgate.js';
import type { TestClient } from '../helpers/client.js';

/** Addresses of a botnet: one attempt each, so per-IP throttling alone cannot stop it. */
const botnet = (count: number) => Array.from({ length: count }, (_, i) => `198.51.100.${i + 1}`);

/** Thresholds sized so each attack needs a few dozen argon2 verifications, not thousands. */
const LIMITS = {
  lockout: { threshold: 5, durationSeconds: 900 },
  throttle: { windowSeconds: 900, maxPerIp: 25, maxPerUsername: 25 },
};

async function signedIn(client: TestClient): Promise<boolean> {
  return (await client.get('/')).html.includes('signed in as');
}

describe('security: credential stuffing, brute force and password spray', function () {
  this.timeout(120_000);
  let s: LiveServer;
  beforeEach(async () => {
    s = await startLiveServer(LIMITS);
  });
  afterEach(() => s.close());

  /**
   * The owner has signed in at home on three days: their device and network are familiar, and the
   * familiarity model (which says nothing during a user's first 3 sign-ins) has a history to judge by.
   */
  async function ownerAtHome(username: string, password: string) {
    const user = await s.addUser(username, { password });
    const owner = s.client(IP.london);
    for (let day = 0; day < 3; day++) {
      await owner.signIn(username, password);
      await owner.submit('/auth/sign-out');
      s.clock.advance(DAY);
    }
    return { user, owner };
  }

  it('brute force from one IP: the lockout holds even for the right password, and the owner at home still gets in', async () => {
    const { user, owner } = await ownerAtHome('alice', 'quiet orchard 1987');
    const attacker = s.client(IP.paris);
    const guesses = [
      '123456',
      'password',
      'alice2024',
      'qwerty123',
      'letmein!',
      'orchard quiet',
      user.password,
    ];
    const statuses: number[] = [];
    for (const guess of guesses) statuses.push((await attacker.signIn('alice', guess)).status);
    expect(statuses.slice(0, 5)).to.deep.equal([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).to.deep.equal([429, 429]); // the right password, too late: refused the same way
    expect(await signedIn(attacker)).to.equal(false);
    const outcomes = (await s.riskgate.store.signIns.recentSignIns(user.id, 20)).map((r) => r.outcome);
    expect(outcomes.filter((o) => o === 'allowed')).to.have.length(3, "only the owner's sign-ins got in");

    await owner.signIn('alice', user.password);
    expect(await signedIn(owner)).to.equal(true);
  });

  it('brute force from many IPs (one guess each): the account lockout holds, the owner at home still gets in', async () => {
    const { user, owner } = await ownerAtHome('alice', 'quiet orchard 1987');
    const addresses = botnet(8);
    const statuses: number[] = [];
    for (const [i, ip] of addresses.entries()) {
      const bot = s.client(ip);
      const guess = i === addresses.length - 1 ? user.password : `botnet guess ${i}`;
      statuses.push((await bot.signIn('alice', guess)).status);
      expect(await signedIn(bot), `bot ${ip}`).to.equal(false);
    }
    expect(statuses.filter((st) => st === 401)).to.have.length(5);
    expect(statuses.slice(5)).to.deep.equal([429, 429, 429]);
    await owner.signIn('alice', user.password);
    expect(await signedIn(owner)).to.equal(true);
  });

  it('credential stuffing from one IP is throttled after the per-IP limit, whichever accounts it tries', async () => {
    const stuffer = s.client(IP.sydney);
    const statuses: number[] = [];
    for (let i = 0; i < 27; i++)
      statuses.push((await stuffer.signIn(`user${i % 12}`, `leaked pass ${i}`)).status);
    expect(statuses.slice(0, 25).every((st) => st === 401)).to.equal(true);
    expect(statuses.slice(25)).to.deep.equal([429, 429]);
  });

  it('credential stuffing from one IP across many accounts: when a leaked pair finally works, the address is malicious and the sign-in needs MFA', async () => {
    const { user: ann, owner } = await ownerAtHome('ann', 'reused everywhere 2019');
    const stuffer = s.client(IP.sydney);
    for (let i = 0; i < 20; i++)
      expect((await stuffer.signIn(`user${i % 10}`, `leaked pass ${i}`)).status).to.equal(401);
    const page = await stuffer.signIn('ann', ann.password);
    expect(page.html).to.match(/something unusual/i);
    expect(await signedIn(stuffer)).to.equal(false);
    const [record] = await s.riskgate.store.signIns.recentSignIns(ann.id, 1);
    expect(record).to.deep.include({ riskLevel: 'high', decision: 'requireMfa' });
    // The unremediated high sign-in now counts toward ann's user risk: the owner recovers by MFA and a
    // new password (the attacker, without the authenticator, could not).
    await owner.signIn('ann', ann.password);
    expect(owner.last.html).to.match(/may be at risk/i);
    await owner.submit('/auth/flow/notice', {}, { action: 'continue' });
    await owner.submit('/auth/flow/mfa', { code: s.totp(ann.totpSecret!) });
    const NEW = 'fresh start harbour 11';
    await owner.submit('/auth/flow/change-password', { newPassword: NEW, confirmPassword: NEW });
    expect(await signedIn(owner)).to.equal(true);
  });

  it('credential stuffing from a botnet (one pair per address): stale leaked pairs find nothing, nobody is locked out', async () => {
    const accounts = ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'];
    const owners = [];
    for (const name of accounts)
      owners.push({ name, ...(await ownerAtHome(name, `current secret of ${name}`)) });
    const addresses = botnet(accounts.length * 2);
    for (const [i, ip] of addresses.entries()) {
      const bot = s.client(ip);
      const name = accounts[i % accounts.length]!;
      expect((await bot.signIn(name, `old password ${i} of ${name}`)).status).to.equal(401);
      expect(await signedIn(bot)).to.equal(false);
    }
    for (const o of owners) {
      await o.owner.signIn(o.name, o.user.password);
      expect(await signedIn(o.owner), o.name).to.equal(true);
    }
  });

  it('a password spray across accounts from a botnet: no lockouts for the owners, and once the campaign is found the sprayed password needs MFA everywhere', async () => {
    const SPRAYED = 'Harbour-Autumn-2026';
    const { user: victim } = await ownerAtHome('victim', SPRAYED);
    const owners = [];
    for (let i = 0; i < 10; i++)
      owners.push({ name: `staff${i}`, ...(await ownerAtHome(`staff${i}`, `own passphrase ${i}`)) });
    const addresses = botnet(11);
    const targets = ['victim', ...owners.map((o) => o.name)];
    for (const [i, username] of targets.entries()) {
      const bot = s.client(addresses[i]!);
      await bot.signIn(username, SPRAYED);
      if (username !== 'victim') expect(await signedIn(bot), username).to.equal(false);
    }
    s.clock.advance(10 * MINUTE);
    const results = await s.riskgate.jobs.runDue();
    expect(results.find((r) => r.job === 'passwordSpray')?.summary).to.contain('1 spray campaign(s)');

    // The campaign is known: a sign-in to the sprayed account from anywhere new is stopped for MFA.
    const later = s.client(IP.tokyo);
    await later.signIn('victim', SPRAYED);
    expect(await signedIn(later)).to.equal(false);
    const [record] = await s.riskgate.store.signIns.recentSignIns(victim.id, 1);
    expect(record!.decision).to.be.oneOf(['requireMfa', 'requirePasswordChange']);
    expect([record!.riskLevel, record!.userRiskLevel]).to.include('high');
    for (const o of owners.slice(0, 3)) {
      await o.owner.signIn(o.name, o.user.password);
      expect(await signedIn(o.owner), o.name).to.equal(true);
    }
  });
});
