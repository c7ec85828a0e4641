import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { generateSecret, generateSync } from 'otplib';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import type { Store } from '../../src/storage/types.js';
import { Keys } from '../../src/crypto/keys.js';
import { Totp } from '../../src/mfa/totp.js';
import { RecoveryCodes } from '../../src/mfa/recoveryCodes.js';
import { SecondFactor, type TotpReuse } from '../../src/mfa/secondFactor.js';

const T0 = Date.UTC(2026, 11, 3, 8, 0, 0);
const codeAt = (secret: string, at: number) => generateSync({ secret, epoch: Math.floor(at / 1000) });

/** Totp and SecondFactor on a real SQLite store: how a reused code is told apart and reported. */
describe('TOTP reuse (ASVS 2.8.5)', () => {
  let store: Store;
  let totp: Totp;
  let reports: TotpReuse[];
  let factor: SecondFactor;
  let userId: string;
  let secret: string;

  beforeEach(async () => {
    store = openSqliteStore({ file: ':memory:' });
    const keys = new Keys(randomBytes(32));
    totp = new Totp(keys, store.identities, 'Test');
    reports = [];
    factor = new SecondFactor(totp, new RecoveryCodes(keys, store.identities), async (reuse) => {
      reports.push(reuse);
    });
    const user = await store.users.createUser({
      username: 'alice',
      email: null,
      groups: [],
      roles: [],
      passwordHash: 'not used here',
      createdAt: T0,
    });
    userId = user.id;
    secret = generateSecret();
    await store.identities.updateIdentity(userId, { totpSecret: keys.secretBox.seal(secret) }, T0);
  });
  afterEach(() => store.close());

  it('a code used once is accepted, then reported as reused (not concurrent) when entered again', async () => {
    const code = codeAt(secret, T0);
    expect(await totp.check(userId, code, T0)).to.deep.equal({ kind: 'accepted' });
    expect(await totp.check(userId, code, T0 + 5_000)).to.deep.equal({ kind: 'reused', concurrent: false });
  });

  it('a code of an older time step than the last one used counts as reused too', async () => {
    const newer = codeAt(secret, T0 + 30_000);
    expect((await totp.check(userId, newer, T0)).kind).to.equal('accepted');
    expect(await totp.check(userId, codeAt(secret, T0), T0)).to.deep.equal({
      kind: 'reused',
      concurrent: false,
    });
  });

  it('the same code checked twice at once is accepted once; the other check is a concurrent reuse', async () => {
    const code = codeAt(secret, T0);
    const outcomes = await Promise.all([totp.check(userId, code, T0), totp.check(userId, code, T0)]);
    expect(outcomes.map((o) => o.kind).sort()).to.deep.equal(['accepted', 'reused']);
    expect(outcomes.find((o) => o.kind === 'reused')).to.deep.equal({ kind: 'reused', concurrent: true });
  });

  it('a wrong code, a code out of the window, and a user without an authenticator are plain refusals', async () => {
    await totp.check(userId, codeAt(secret, T0), T0);
    const wrong = codeAt(secret, T0) === '000000' ? '111111' : '000000';
    expect(await totp.check(userId, wrong, T0)).to.deep.equal({ kind: 'refused' });
    expect(await totp.check(userId, codeAt(secret, T0 + 10 * 60_000), T0)).to.deep.equal({ kind: 'refused' });
    const bob = await store.users.createUser({
      username: 'bob',
      email: null,
      groups: [],
      roles: [],
      passwordHash: 'not used here',
      createdAt: T0,
    });
    expect(await totp.check(bob.id, codeAt(secret, T0), T0)).to.deep.equal({ kind: 'refused' });
  });

  it('SecondFactor refuses a reused code and reports it with the sign-in, never with the code', async () => {
    const code = codeAt(secret, T0);
    expect(await factor.verify(userId, code, T0, 'sign-in-1')).to.equal('totp');
    expect(reports).to.have.length(0);
    expect(await factor.verify(userId, code, T0 + 1000, 'sign-in-2')).to.equal(null);
    expect(reports).to.deep.equal([{ userId, signInId: 'sign-in-2', concurrent: false, now: T0 + 1000 }]);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await factor.verify(userId, wrong, T0 + 2000, 'sign-in-3')).to.equal(null);
    expect(reports).to.have.length(1); // a wrong code is no reuse
  });
});
