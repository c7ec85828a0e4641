/**
 * The storage contract: every backend runs this same suite. Each test gets a fresh store, so nothing
 * leaks between tests and tests can run in any order. Times are explicit `now` values, never sleeps.
 */
import { expect } from 'chai';
import type { SessionData } from 'express-session';
import {
  CounterBatchError,
  DuplicateUsernameError,
  type RiskWrite,
  type FamiliarFeature,
  type Store,
} from '../../src/storage/types.js';
import type { SignInRecord } from '../../src/domain/signIn.js';
import { signIn, T0 } from './signInFixture.js';
import { describePolicyStoreContract } from './policyContract.js';
import type { DetectionDraft } from '../../src/domain/risk.js';
import type { FlowRecord } from '../../src/domain/flow.js';
import { describeAdminContract } from './adminContract.js';
import { markLoaded } from '../../src/storage/sessionFields.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const travel: DetectionDraft = {
  type: 'impossibleTravel',
  level: 'medium',
  timing: 'realtime',
  scope: 'signIn',
  reason: 'London to Sydney in 30 minutes',
  evidence: { distanceKm: 16_990, speedKmh: 33_980, from: { country: 'GB' } },
};
const leaked: DetectionDraft = {
  type: 'leakedCredentials',
  level: 'high',
  timing: 'offline',
  scope: 'user',
  reason: 'password found in a breach corpus',
};

function flow(overrides: Partial<FlowRecord> = {}): FlowRecord {
  return {
    id: 'flow-1',
    kind: 'riskySignIn',
    userId: 'user-1',
    signInId: 'sign-in-1',
    state: 'notice',
    version: 0,
    data: { returnTo: '/home', satisfied: [] },
    attempts: 0,
    createdAt: T0,
    expiresAt: T0 + 15 * MINUTE,
    ...overrides,
  };
}

/** A session as express-session hands it to the store (its cookie serialises to this shape). */
function sessionData(expiresAt: number, userId?: string): SessionData {
  const sess: Record<string, unknown> = {
    cookie: {
      originalMaxAge: expiresAt - Date.now(),
      expires: new Date(expiresAt).toISOString(),
      httpOnly: true,
      path: '/',
    },
  };
  if (userId !== undefined) sess.riskgate = { userId, username: userId };
  return sess as unknown as SessionData;
}

/** express-session stores speak callbacks; the tests speak promises. */
function sessionsOf(store: Store) {
  const s = store.sessions;
  const call = <T>(fn: (cb: (err: unknown, value?: T) => void) => void) =>
    new Promise<T | undefined>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
  return {
    get: (sid: string) => call<SessionData | null>((cb) => s.get(sid, cb)),
    set: (sid: string, sess: SessionData) => call<void>((cb) => s.set(sid, sess, cb)),
    touch: (sid: string, sess: SessionData) => call<void>((cb) => s.touch!(sid, sess, () => cb(null))),
    destroy: (sid: string) => call<void>((cb) => s.destroy(sid, cb)),
    clear: () => call<void>((cb) => s.clear!(cb)),
    length: () => call<number>((cb) => s.length!(cb)),
    all: () => call<SessionData[] | { [sid: string]: SessionData } | null>((cb) => s.all!(cb)),
  };
}

export function describeStoreContract(name: string, open: () => Promise<Store> | Store): void {
  describe(`storage contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('an open store answers ping', async () => {
      await store.ping();
    });

    describeAdminContract(() => store);
    describePolicyStoreContract(() => store);

    describe('users', () => {
      const input = {
        username: 'alice',
        email: 'alice@example.com',
        groups: ['staff'],
        roles: ['admin'],
        passwordHash: '$argon2id$hash',
        createdAt: T0,
      };

      it('a created user is found by username and by id, exactly as created', async () => {
        const user = await store.users.createUser(input);
        expect(user.id).to.be.a('string').and.not.equal('');
        expect(user).to.deep.include({
          username: 'alice',
          email: 'alice@example.com',
          groups: ['staff'],
          roles: ['admin'],
          createdAt: T0,
        });
        expect(await store.users.findUserByUsername('alice')).to.deep.equal(user);
        expect(await store.users.findUserById(user.id)).to.deep.equal(user);
      });

      it('an unknown username or id finds nobody', async () => {
        expect(await store.users.findUserByUsername('nobody')).to.equal(null);
        expect(await store.users.findUserById('no-such-id')).to.equal(null);
      });

      it('a second user with the same username is refused with DuplicateUsernameError', async () => {
        await store.users.createUser(input);
        let caught: unknown;
        try {
          await store.users.createUser({ ...input, email: null });
        } catch (error) {
          caught = error;
        }
        expect(caught).to.be.instanceOf(DuplicateUsernameError);
        expect(await store.users.countUsers()).to.equal(1);
      });

      it('usernames are stored as given (the caller normalises)', async () => {
        await store.users.createUser({ ...input, username: 'Bob' });
        expect(await store.users.findUserByUsername('Bob')).to.not.equal(null);
        expect(await store.users.findUserByUsername('bob')).to.equal(null);
      });

      it('a password hash can be replaced', async () => {
        const user = await store.users.createUser(input);
        await store.users.setPasswordHash(user.id, '$argon2id$new');
        expect((await store.users.findUserById(user.id))!.passwordHash).to.equal('$argon2id$new');
      });

      it('users are listed page by page and counted', async () => {
        for (const username of ['carol', 'alice', 'dave', 'bob'])
          await store.users.createUser({ ...input, username });
        expect(await store.users.countUsers()).to.equal(4);
        const first = await store.users.listUsers({ offset: 0, limit: 3 });
        const rest = await store.users.listUsers({ offset: 3, limit: 3 });
        expect(first).to.have.length(3);
        expect(rest).to.have.length(1);
        expect([...first, ...rest].map((u) => u.username).sort()).to.deep.equal([
          'alice',
          'bob',
          'carol',
          'dave',
        ]);
      });
      it('users with a role are listed in username order, and only they', async () => {
        await store.users.createUser({ ...input, username: 'zed', roles: ['admin', 'auditor'] });
        await store.users.createUser({ ...input, username: 'amy', roles: ['admin'] });
        await store.users.createUser({ ...input, username: 'bob', roles: [] });
        await store.users.createUser({ ...input, username: 'cat', roles: ['administrator'] });
        expect((await store.users.usersWithRole('admin')).map((u) => u.username)).to.deep.equal([
          'amy',
          'zed',
        ]);
        expect((await store.users.usersWithRole('auditor')).map((u) => u.username)).to.deep.equal(['zed']);
        expect(await store.users.usersWithRole('nobody-has-this')).to.deep.equal([]);
      });
    });

    describe('identities', () => {
      it('a user with nothing stored has the default identity', async () => {
        expect(await store.identities.getIdentity('user-1')).to.deep.equal({
          userId: 'user-1',
          riskLevel: 'none',
          riskState: 'none',
          totpSecret: null,
          totpLastStep: 0,
          mfaPromptedAt: null,
          mustChangePassword: false,
          passwordResetRequired: false,
          blocked: false,
          updatedAt: 0,
        });
      });

      it('a patch changes only the fields it names and returns the full identity', async () => {
        const first = await store.identities.updateIdentity(
          'user-1',
          { riskLevel: 'high', riskState: 'atRisk', totpSecret: 'sealed' },
          T0,
        );
        expect(first).to.deep.include({
          userId: 'user-1',
          riskLevel: 'high',
          riskState: 'atRisk',
          totpSecret: 'sealed',
          blocked: false,
          updatedAt: T0,
        });
        const second = await store.identities.updateIdentity(
          'user-1',
          { blocked: true, mfaPromptedAt: T0 + 1 },
          T0 + 5,
        );
        expect(second).to.deep.equal({
          ...first,
          blocked: true,
          mfaPromptedAt: T0 + 1,
          updatedAt: T0 + 5,
        });
        expect(await store.identities.getIdentity('user-1')).to.deep.equal(second);
      });

      it('a patch can set a nullable field back to null and booleans back to false', async () => {
        await store.identities.updateIdentity(
          'user-1',
          { totpSecret: 'sealed', mfaPromptedAt: T0, mustChangePassword: true, passwordResetRequired: true },
          T0,
        );
        const cleared = await store.identities.updateIdentity(
          'user-1',
          { totpSecret: null, mfaPromptedAt: null, mustChangePassword: false, passwordResetRequired: false },
          T0 + 1,
        );
        expect(cleared).to.deep.include({
          totpSecret: null,
          mfaPromptedAt: null,
          mustChangePassword: false,
          passwordResetRequired: false,
        });
      });

      it('identities of different users are independent', async () => {
        await store.identities.updateIdentity('user-1', { riskLevel: 'high' }, T0);
        expect((await store.identities.getIdentity('user-2')).riskLevel).to.equal('none');
      });

      it('a TOTP step is accepted once', async () => {
        expect(await store.identities.advanceTotpStep('user-1', 1000)).to.equal(true);
        expect(await store.identities.advanceTotpStep('user-1', 1000)).to.equal(false);
        expect((await store.identities.getIdentity('user-1')).totpLastStep).to.equal(1000);
      });

      it('a TOTP step at or below the last accepted one is refused, a higher one accepted', async () => {
        await store.identities.updateIdentity('user-1', { totpSecret: 'sealed' }, T0);
        expect(await store.identities.advanceTotpStep('user-1', 1000)).to.equal(true);
        expect(await store.identities.advanceTotpStep('user-1', 999)).to.equal(false);
        expect(await store.identities.advanceTotpStep('user-1', 1001)).to.equal(true);
        const identity = await store.identities.getIdentity('user-1');
        expect(identity.totpLastStep).to.equal(1001);
        expect(identity.totpSecret).to.equal('sealed');
      });

      it('one TOTP step used by many concurrent requests is accepted exactly once', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.identities.advanceTotpStep('user-1', 5000)),
        );
        expect(results.filter(Boolean)).to.have.length(1);
      });

      it('updating the identity leaves the last TOTP step alone', async () => {
        await store.identities.advanceTotpStep('user-1', 1000);
        expect(
          (await store.identities.updateIdentity('user-1', { riskLevel: 'low' }, T0)).totpLastStep,
        ).to.equal(1000);
      });

      it('a recovery code works once', async () => {
        await store.identities.replaceRecoveryCodes('user-1', ['h1', 'h2', 'h3']);
        expect(await store.identities.countRecoveryCodes('user-1')).to.equal(3);
        expect(await store.identities.consumeRecoveryCode('user-1', 'h2')).to.equal(true);
        expect(await store.identities.consumeRecoveryCode('user-1', 'h2')).to.equal(false);
        expect(await store.identities.countRecoveryCodes('user-1')).to.equal(2);
      });

      it('a recovery code of one user does not work for another', async () => {
        await store.identities.replaceRecoveryCodes('user-1', ['h1']);
        expect(await store.identities.consumeRecoveryCode('user-2', 'h1')).to.equal(false);
        expect(await store.identities.countRecoveryCodes('user-1')).to.equal(1);
      });

      it('replacing recovery codes invalidates the old ones', async () => {
        await store.identities.replaceRecoveryCodes('user-1', ['old1', 'old2']);
        await store.identities.replaceRecoveryCodes('user-1', ['new1']);
        expect(await store.identities.consumeRecoveryCode('user-1', 'old1')).to.equal(false);
        expect(await store.identities.countRecoveryCodes('user-1')).to.equal(1);
        expect(await store.identities.consumeRecoveryCode('user-1', 'new1')).to.equal(true);
      });

      it('a recovery code used by concurrent requests works exactly once', async () => {
        await store.identities.replaceRecoveryCodes('user-1', ['h1']);
        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.identities.consumeRecoveryCode('user-1', 'h1')),
        );
        expect(results.filter(Boolean)).to.have.length(1);
      });
    });

    describe('sign-ins', () => {
      it('a sign-in record reads back exactly as written', async () => {
        const record = signIn({
          id: 'sign-in-1',
          outcome: 'interrupted',
          riskLevel: 'medium',
          riskState: 'atRisk',
          userRiskLevel: 'low',
          decision: 'requireMfa',
          reportOnly: [{ policy: 'userRisk', wouldHave: 'block' }],
        });
        await store.signIns.recordSignIn(record);
        expect(await store.signIns.getSignIn('sign-in-1')).to.deep.equal(record);
      });

      it('a failed attempt for an unknown user, with no geo and no device cookie, reads back exactly', async () => {
        const base = signIn({
          id: 'sign-in-2',
          userId: null,
          username: 'ghost',
          outcome: 'unknownUser',
          decision: null,
        });
        const record: SignInRecord = {
          ...base,
          context: {
            ...base.context,
            geo: { country: null, city: null, latitude: null, longitude: null },
            device: {
              userAgent: '',
              browser: null,
              browserFamily: null,
              os: null,
              deviceType: 'other',
              deviceId: null,
            },
          },
        };
        await store.signIns.recordSignIn(record);
        expect(await store.signIns.getSignIn('sign-in-2')).to.deep.equal(record);
      });

      it('recording a sign-in again with the same id replaces it (written before and after evaluation)', async () => {
        const before = signIn({ id: 'sign-in-1', outcome: 'interrupted', decision: null });
        await store.signIns.recordSignIn(before);
        const after: SignInRecord = {
          ...before,
          outcome: 'allowed',
          decision: 'allow',
          userRiskLevel: 'low',
          reportOnly: [{ policy: 'signInRisk', wouldHave: 'requireMfa' }],
        };
        await store.signIns.recordSignIn(after);
        expect(await store.signIns.getSignIn('sign-in-1')).to.deep.equal(after);
        expect(await store.signIns.recentSignIns('user-1', 10)).to.have.length(1);
      });

      it('an unknown sign-in id reads as null', async () => {
        expect(await store.signIns.getSignIn('nope')).to.equal(null);
      });

      it('outcome and risk state updates change those fields and updatedAt', async () => {
        const record = signIn({ id: 'sign-in-1', outcome: 'interrupted' });
        await store.signIns.recordSignIn(record);
        await store.signIns.updateSignInOutcome('sign-in-1', 'mfaPassed', T0 + 10);
        await store.signIns.updateSignInRiskState('sign-in-1', 'remediated', T0 + 20);
        expect(await store.signIns.getSignIn('sign-in-1')).to.deep.equal({
          ...record,
          outcome: 'mfaPassed',
          riskState: 'remediated',
          updatedAt: T0 + 20,
        });
      });

      it('the last successful sign-in ignores failures and sign-ins at or after `before`', async () => {
        await store.signIns.recordSignIn(signIn({ id: 'old-good', at: T0, outcome: 'allowed' }));
        const mfa = signIn({ id: 'mfa-good', at: T0 + MINUTE, outcome: 'mfaPassed' });
        await store.signIns.recordSignIn({
          ...mfa,
          context: {
            ...mfa.context,
            ip: '5.9.0.1',
            geo: { country: 'DE', city: 'Falkenstein', latitude: 50.47, longitude: 12.37 },
          },
        });
        await store.signIns.recordSignIn(
          signIn({ id: 'failed', at: T0 + 2 * MINUTE, outcome: 'wrongPassword', decision: null }),
        );
        await store.signIns.recordSignIn(
          signIn({ id: 'interrupted', at: T0 + 3 * MINUTE, outcome: 'interrupted' }),
        );
        await store.signIns.recordSignIn(signIn({ id: 'later', at: T0 + 10 * MINUTE, outcome: 'allowed' }));

        expect(await store.signIns.lastSuccessfulSignIn('user-1', T0 + 5 * MINUTE)).to.deep.equal({
          at: T0 + MINUTE,
          ip: '5.9.0.1',
          network: '81.2.69.0/24',
          geo: { country: 'DE', city: 'Falkenstein', latitude: 50.47, longitude: 12.37 },
          browserFamily: 'Chrome',
          deviceId: 'device-1',
        });
        // `before` is exclusive: the sign-in being evaluated never counts as its own predecessor.
        expect((await store.signIns.lastSuccessfulSignIn('user-1', T0 + MINUTE))!.at).to.equal(T0);
        expect(await store.signIns.lastSuccessfulSignIn('user-1', T0)).to.equal(null);
        expect(await store.signIns.lastSuccessfulSignIn('user-2', T0 + DAY)).to.equal(null);
      });

      it("a location's accuracy radius is kept with the sign-in and its last-success view; none stays absent", async () => {
        const base = signIn({ id: 'with-radius', at: T0, outcome: 'allowed' });
        const geo = { country: 'GB', city: 'London', latitude: 51.5142, longitude: -0.0931, accuracyKm: 20 };
        await store.signIns.recordSignIn({ ...base, context: { ...base.context, geo } });
        expect((await store.signIns.getSignIn('with-radius'))!.context.geo).to.deep.equal(geo);
        expect((await store.signIns.lastSuccessfulSignIn('user-1', T0 + MINUTE))!.geo).to.deep.equal(geo);
        await store.signIns.recordSignIn(signIn({ id: 'no-radius', at: T0 + MINUTE, outcome: 'allowed' }));
        const plain = (await store.signIns.getSignIn('no-radius'))!.context.geo;
        expect(plain).not.to.have.property('accuracyKm');
      });

      it('recent sign-ins come newest first, limited, and only for that user', async () => {
        for (let i = 0; i < 5; i++)
          await store.signIns.recordSignIn(signIn({ id: `s${i}`, at: T0 + i * MINUTE }));
        await store.signIns.recordSignIn(signIn({ id: 'other', userId: 'user-2', at: T0 + DAY }));
        const recent = await store.signIns.recentSignIns('user-1', 3);
        expect(recent.map((s) => s.id)).to.deep.equal(['s4', 's3', 's2']);
      });
    });

    describe('detections', () => {
      it('added detections are active, complete, and read back as returned', async () => {
        const added = await store.detections.addDetections('user-1', 'sign-in-1', [travel, leaked], T0);
        expect(added).to.have.length(2);
        expect(added[0]).to.deep.include({
          ...travel,
          userId: 'user-1',
          signInId: 'sign-in-1',
          status: 'active',
          closedBy: null,
          createdAt: T0,
          updatedAt: T0,
        });
        expect(added[0]!.id).to.not.equal(added[1]!.id);
        expect(await store.detections.activeDetections('user-1')).to.deep.equal(added);
        expect(await store.detections.detectionsForSignIn('sign-in-1')).to.deep.equal(added);
        expect(await store.detections.detectionsForUser('user-1')).to.deep.equal(added);
      });

      it('a detection without a sign-in is stored for the user only', async () => {
        const [detection] = await store.detections.addDetections('user-1', null, [leaked], T0);
        expect(detection!.signInId).to.equal(null);
        expect(await store.detections.detectionsForUser('user-1')).to.deep.equal([detection]);
      });

      it("closing one sign-in's detections leaves the user's others active", async () => {
        await store.detections.addDetections('user-1', 'sign-in-1', [travel], T0);
        const [other] = await store.detections.addDetections('user-1', 'sign-in-2', [travel], T0);
        const [userLevel] = await store.detections.addDetections('user-1', null, [leaked], T0);
        expect(
          await store.detections.closeDetections(
            { userId: 'user-1', signInId: 'sign-in-1' },
            'remediated',
            T0 + 1,
          ),
        ).to.equal(1);
        expect((await store.detections.activeDetections('user-1')).map((d) => d.id).sort()).to.deep.equal(
          [other!.id, userLevel!.id].sort(),
        );
        const [closed] = await store.detections.detectionsForSignIn('sign-in-1');
        expect(closed).to.deep.include({
          status: 'closed',
          closedBy: 'remediated',
          createdAt: T0,
          updatedAt: T0 + 1,
        });
      });

      it("closing one sign-in's detections leaves a user-level detection raised at that sign-in active", async () => {
        const [signInLevel, userLevel] = await store.detections.addDetections(
          'user-1',
          'sign-in-1',
          [travel, leaked],
          T0,
        );
        expect(
          await store.detections.closeDetections(
            { userId: 'user-1', signInId: 'sign-in-1' },
            'remediated',
            T0 + 1,
          ),
        ).to.equal(1);
        const active = await store.detections.activeDetections('user-1');
        expect(active.map((d) => d.id)).to.deep.equal([userLevel!.id]);
        expect(active.map((d) => d.id)).to.not.include(signInLevel!.id);
      });

      it("closing a user's detections closes only active ones, so closing twice closes none", async () => {
        await store.detections.addDetections('user-1', 'sign-in-1', [travel, leaked], T0);
        await store.detections.addDetections('user-2', 'sign-in-9', [travel], T0);
        expect(await store.detections.closeDetections({ userId: 'user-1' }, 'dismissed', T0 + 1)).to.equal(2);
        expect(await store.detections.closeDetections({ userId: 'user-1' }, 'resolved', T0 + 2)).to.equal(0);
        expect(await store.detections.activeDetections('user-1')).to.deep.equal([]);
        // The first close keeps its reason and time.
        for (const d of await store.detections.detectionsForUser('user-1'))
          expect(d).to.deep.include({ closedBy: 'dismissed', updatedAt: T0 + 1 });
        expect(await store.detections.activeDetections('user-2')).to.have.length(1);
      });
    });

    describe('ageing', () => {
      it('closes by system only active detections of the level created before the cutoff, naming their users', async () => {
        const lowOld = { ...travel, level: 'low' as const };
        const [old] = await store.detections.addDetections('user-1', 'sign-in-1', [lowOld], T0);
        await store.detections.addDetections('user-2', 'sign-in-2', [lowOld], T0 + 10_000);
        await store.detections.addDetections('user-3', 'sign-in-3', [travel], T0);
        const users = await store.detections.ageDetections('low', T0 + 5_000, T0 + 20_000);
        expect(users).to.deep.equal(['user-1']);
        const [aged] = await store.detections.detectionsForUser('user-1');
        expect(aged).to.deep.include({
          id: old!.id,
          status: 'closed',
          closedBy: 'system',
          updatedAt: T0 + 20_000,
        });
        expect(await store.detections.activeDetections('user-2')).to.have.length(1);
        expect(await store.detections.activeDetections('user-3')).to.have.length(1);
        expect(await store.detections.ageDetections('low', T0 + 5_000, T0 + 30_000)).to.deep.equal([]);
      });
    });

    describe('jobs', () => {
      it('a lease goes to one holder until it expires, then to whoever asks first', async () => {
        expect(await store.jobs.tryAcquireLease('job:ageing', 'instance-a', 60_000, T0)).to.equal(true);
        expect(await store.jobs.tryAcquireLease('job:ageing', 'instance-b', 60_000, T0 + 1)).to.equal(false);
        expect(await store.jobs.tryAcquireLease('job:ageing', 'instance-a', 60_000, T0 + 2)).to.equal(false);
        expect(await store.jobs.tryAcquireLease('job:ageing', 'instance-b', 60_000, T0 + 60_002)).to.equal(
          true,
        );
        expect(await store.jobs.tryAcquireLease('job:other', 'instance-a', 60_000, T0 + 3)).to.equal(true);
      });

      it('of 20 holders racing for one lease exactly one gets it', async () => {
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.jobs.tryAcquireLease('job:race', `holder-${i}`, 60_000, T0),
          ),
        );
        expect(results.filter(Boolean)).to.have.length(1);
      });

      it('job runs are logged newest first', async () => {
        await store.jobs.recordJobRun({ job: 'ageing', holder: 'a', at: T0, summary: 'closed 1' });
        await store.jobs.recordJobRun({ job: 'ageing', holder: 'b', at: T0 + 1, summary: 'closed 0' });
        await store.jobs.recordJobRun({ job: 'other', holder: 'a', at: T0 + 2, summary: 'x' });
        expect(await store.jobs.jobRuns('ageing', 10)).to.deep.equal([
          { job: 'ageing', holder: 'b', at: T0 + 1, summary: 'closed 0' },
          { job: 'ageing', holder: 'a', at: T0, summary: 'closed 1' },
        ]);
        expect(await store.jobs.jobRuns('ageing', 1)).to.have.length(1);
      });
    });

    describe('failed attempts', () => {
      it('finds a password fingerprint tried against many accounts, with its addresses', async () => {
        for (const [i, username] of ['a', 'b', 'c', 'd'].entries()) {
          await store.attempts.recordFailedAttempt({
            fingerprint: 'fp-spray',
            username,
            ip: i < 2 ? '198.51.100.7' : '198.51.100.8',
            at: T0 + i,
          });
        }
        await store.attempts.recordFailedAttempt({
          fingerprint: 'fp-typo',
          username: 'a',
          ip: '81.2.69.142',
          at: T0,
        });
        await store.attempts.recordFailedAttempt({
          fingerprint: 'fp-typo',
          username: 'a',
          ip: '81.2.69.142',
          at: T0 + 5,
        });
        await store.attempts.recordFailedAttempt({
          fingerprint: 'fp-old',
          username: 'x',
          ip: '1.1.1.1',
          at: T0 - 10_000,
        });
        await store.attempts.recordFailedAttempt({
          fingerprint: 'fp-old',
          username: 'y',
          ip: '1.1.1.1',
          at: T0 - 10_000,
        });
        expect(await store.attempts.sprayCandidates(T0, 2)).to.deep.equal([
          { fingerprint: 'fp-spray', accounts: 4, ips: ['198.51.100.7', '198.51.100.8'] },
        ]);
        expect(await store.attempts.pruneAttempts(T0)).to.equal(2);
        expect(await store.attempts.sprayCandidates(0, 2)).to.have.length(1);
      });

      it('lists users whose password was verified from given addresses since a time', async () => {
        const from = (ip: string, record: SignInRecord) => ({
          ...record,
          context: { ...record.context, ip },
        });
        await store.signIns.recordSignIn(from('198.51.100.7', signIn({ id: 's1', userId: 'u1', at: T0 })));
        await store.signIns.recordSignIn(
          from(
            '198.51.100.7',
            signIn({ id: 's2', userId: 'u2', at: T0, decision: null, outcome: 'wrongPassword' }),
          ),
        );
        await store.signIns.recordSignIn(
          from('198.51.100.7', signIn({ id: 's3', userId: 'u3', at: T0 - 100 })),
        );
        await store.signIns.recordSignIn(signIn({ id: 's4', userId: 'u4', at: T0 }));
        expect(await store.signIns.usersSignedInFrom(['198.51.100.7', '203.0.113.1'], T0)).to.deep.equal([
          'u1',
        ]);
        expect(await store.signIns.usersSignedInFrom([], T0)).to.deep.equal([]);
      });
    });

    describe('leaked pairs', () => {
      it('queued pairs are taken oldest first, each once, even by parallel takers', async () => {
        const pairs = Array.from({ length: 30 }, (_, i) => ({
          username: `user${i}`,
          sealedPassword: `sealed-${i}`,
        }));
        expect(await store.leaks.queueLeakedPairs(pairs)).to.equal(30);
        expect(await store.leaks.countLeakedPairs()).to.equal(30);
        const first = await store.leaks.takeLeakedPairs(5);
        expect(first.map((p) => p.username)).to.deep.equal(['user0', 'user1', 'user2', 'user3', 'user4']);
        const parallel = await Promise.all([
          store.leaks.takeLeakedPairs(10),
          store.leaks.takeLeakedPairs(10),
          store.leaks.takeLeakedPairs(10),
        ]);
        const taken = parallel.flat().map((p) => p.username);
        expect(new Set(taken).size).to.equal(taken.length);
        expect(taken).to.have.length(25);
        expect(await store.leaks.countLeakedPairs()).to.equal(0);
        expect(await store.leaks.takeLeakedPairs(5)).to.deep.equal([]);
      });
    });

    describe('notifications', () => {
      it('queued risk alerts are taken oldest first, each once, even by parallel takers', async () => {
        for (let i = 0; i < 12; i++)
          await store.notify.queueRiskAlert({
            userId: `user-${i}`,
            level: i % 2 ? 'high' : 'medium',
            at: T0 + i,
          });
        expect(await store.notify.countRiskAlerts()).to.equal(12);
        const first = await store.notify.takeRiskAlerts(2);
        expect(first).to.deep.equal([
          { userId: 'user-0', level: 'medium', at: T0 },
          { userId: 'user-1', level: 'high', at: T0 + 1 },
        ]);
        const parallel = await Promise.all([
          store.notify.takeRiskAlerts(4),
          store.notify.takeRiskAlerts(4),
          store.notify.takeRiskAlerts(4),
        ]);
        const taken = parallel.flat().map((a) => a.userId);
        expect(new Set(taken).size).to.equal(taken.length);
        expect(taken).to.have.length(10);
        expect(await store.notify.countRiskAlerts()).to.equal(0);
        expect(await store.notify.takeRiskAlerts(5)).to.deep.equal([]);
      });

      it('the risk summary counts only the period: risky users still at risk, risky sign-ins, detections by type', async () => {
        const since = T0;
        const until = T0 + 7 * DAY;
        // In the period: two users with detections, one of them remediated since.
        await store.detections.addDetections('user-1', 's1', [travel, leaked], T0 + DAY);
        await store.detections.addDetections('user-2', 's2', [travel], T0 + 2 * DAY);
        await store.detections.addDetections('user-3', 's3', [travel], T0 + 3 * DAY);
        await store.identities.updateIdentity('user-1', { riskLevel: 'high', riskState: 'atRisk' }, T0 + DAY);
        await store.identities.updateIdentity(
          'user-2',
          { riskLevel: 'medium', riskState: 'atRisk' },
          T0 + DAY,
        );
        await store.identities.updateIdentity(
          'user-3',
          { riskLevel: 'none', riskState: 'remediated' },
          T0 + DAY,
        );
        // Outside the period: a detection before and one after, and a user at risk from before only.
        await store.detections.addDetections('user-4', 's4', [leaked], T0 - 1);
        await store.detections.addDetections('user-5', 's5', [leaked], until);
        await store.identities.updateIdentity('user-4', { riskLevel: 'high', riskState: 'atRisk' }, T0);
        await store.signIns.recordSignIn(signIn({ id: 'r1', at: T0 + DAY, riskLevel: 'medium' }));
        await store.signIns.recordSignIn(signIn({ id: 'r2', at: T0 + 2 * DAY, riskLevel: 'low' }));
        await store.signIns.recordSignIn(signIn({ id: 'ok', at: T0 + 2 * DAY }));
        await store.signIns.recordSignIn(
          signIn({ id: 'unknown', at: T0 + DAY, riskLevel: 'high', userId: null }),
        );
        await store.signIns.recordSignIn(signIn({ id: 'before', at: T0 - 1, riskLevel: 'high' }));
        await store.signIns.recordSignIn(signIn({ id: 'after', at: until, riskLevel: 'high' }));

        const summary = await store.notify.riskSummary(since, until, 10);
        expect(summary).to.deep.equal({
          riskyUsers: [
            { userId: 'user-1', riskLevel: 'high' },
            { userId: 'user-2', riskLevel: 'medium' },
          ],
          riskyUserCount: 2,
          riskySignIns: 2,
          detectionsByType: [
            { type: 'impossibleTravel', count: 3 },
            { type: 'leakedCredentials', count: 1 },
          ],
        });
        const limited = await store.notify.riskSummary(since, until, 1);
        expect(limited.riskyUsers).to.deep.equal([{ userId: 'user-1', riskLevel: 'high' }]);
        expect(limited.riskyUserCount).to.equal(2);
      });
    });

    describe('population', () => {
      it('counts sign-ins, users, values and distinct values, and reads only what is asked', async () => {
        await store.population.recordPopulation({ country: 'GB', browser: 'Chrome 120', device: null }, true);
        await store.population.recordPopulation(
          { country: 'GB', browser: 'Firefox 121', device: null },
          false,
        );
        await store.population.recordPopulation({ country: 'JP', browser: 'Chrome 120', device: 'd1' }, true);
        const snapshot = await store.population.populationSnapshot({
          country: 'GB',
          browser: 'Safari 17',
          device: null,
        });
        expect(snapshot).to.deep.equal({
          totalSignIns: 3,
          numberOfUsers: 2,
          counts: { 'country=GB': 2 },
          distinct: { country: 2, browser: 2, device: 1 },
        });
      });

      it('an empty population reads as zeros', async () => {
        expect(await store.population.populationSnapshot({ country: 'GB' })).to.deep.equal({
          totalSignIns: 0,
          numberOfUsers: 0,
          counts: {},
          distinct: {},
        });
      });

      it('parallel recordings all count', async () => {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.population.recordPopulation({ country: i % 2 ? 'GB' : 'DE' }, false),
          ),
        );
        const snapshot = await store.population.populationSnapshot({ country: 'GB' });
        expect(snapshot.totalSignIns).to.equal(20);
        expect(snapshot.counts['country=GB']).to.equal(10);
        expect(snapshot.distinct.country).to.equal(2);
      });
    });

    describe('evaluation reads', () => {
      const ask = { country: 'GB', browser: 'Safari 17', device: null };
      const separately = async (userId: string, before: number) => ({
        familiar: await store.familiarity.familiarFeatures(userId),
        lastSuccess: await store.signIns.lastSuccessfulSignIn(userId, before),
        population: await store.population.populationSnapshot(ask),
        identity: await store.identities.getIdentity(userId),
        active: await store.detections.activeDetections(userId),
      });

      it('answer exactly what the five separate reads answer, for a user with history', async () => {
        await store.signIns.recordSignIn(signIn({ id: 'good', at: T0, outcome: 'allowed' }));
        await store.familiarity.learnFamiliar('user-1', { country: 'GB', network: '81.2.69.0/24' }, T0);
        await store.familiarity.learnFamiliar('user-1', { country: 'GB', device: 'd1' }, T0 + 1);
        await store.signIns.recordSignIn(
          signIn({ id: 'bad', at: T0 + MINUTE, outcome: 'wrongPassword', decision: null }),
        );
        await store.identities.updateIdentity(
          'user-1',
          { riskLevel: 'medium', riskState: 'atRisk', blocked: true },
          T0,
        );
        // Two closed, then two active (one without evidence).
        await store.detections.addDetections('user-1', 'good', [travel, leaked], T0);
        await store.detections.closeDetections({ userId: 'user-1' }, 'dismissed', T0 + 1);
        await store.detections.addDetections('user-1', 'good', [{ ...travel, evidence: undefined }], T0 + 2);
        await store.detections.addDetections('user-1', null, [leaked], T0 + 3);
        await store.population.recordPopulation({ country: 'GB', browser: 'Chrome 120', device: null }, true);
        await store.population.recordPopulation({ country: 'JP', browser: 'Chrome 120', device: 'd1' }, true);

        const together = await store.evaluation.readForEvaluation('user-1', T0 + DAY, ask);
        expect(together).to.deep.equal(await separately('user-1', T0 + DAY));
        expect(together.lastSuccess!.at).to.equal(T0);
        expect(together.familiar.map((f) => [f.feature, f.value, f.count])).to.deep.equal([
          ['country', 'GB', 2],
          ['device', 'd1', 1],
          ['network', '81.2.69.0/24', 1],
        ]);
        expect(together.identity).to.include({ riskLevel: 'medium', blocked: true });
        expect(together.population.counts).to.deep.equal({ 'country=GB': 1 });
        expect(together.active.map((d) => d.type)).to.deep.equal(['impossibleTravel', 'leakedCredentials']);
      });

      it('keep the active detections in creation order', async () => {
        for (let i = 0; i < 5; i++)
          await store.detections.addDetections(
            'user-1',
            `sign-in-${i}`,
            [{ ...travel, reason: `r${i}` }],
            T0 + (i % 2),
          );
        const { active } = await store.evaluation.readForEvaluation('user-1', T0 + DAY, ask);
        expect(active.map((d) => d.reason)).to.deep.equal(
          (await store.detections.activeDetections('user-1')).map((d) => d.reason),
        );
        expect(active).to.have.length(5);
      });

      it('answer the defaults for a user nobody has seen', async () => {
        const together = await store.evaluation.readForEvaluation('nobody', T0, ask);
        expect(together).to.deep.equal(await separately('nobody', T0));
        expect(together.lastSuccess).to.equal(null);
        expect(together.familiar).to.deep.equal([]);
        expect(together.active).to.deep.equal([]);
      });

      it('by username: the user and exactly what readForEvaluation answers for them', async () => {
        const user = await store.users.createUser({
          username: 'carol',
          email: 'carol@example.com',
          passwordHash: 'hash',
          groups: ['staff'],
          roles: ['admin'],
          createdAt: T0,
        });
        await store.familiarity.learnFamiliar(user.id, { country: 'GB' }, T0);
        await store.signIns.recordSignIn(
          signIn({ id: 'carol-good', userId: user.id, at: T0, outcome: 'allowed' }),
        );
        await store.population.recordPopulation({ country: 'GB' }, true);
        const found = await store.evaluation.readForSignIn('carol', T0 + DAY, ask);
        expect(found!.user).to.deep.equal(await store.users.findUserByUsername('carol'));
        expect(found!.reads).to.deep.equal(await store.evaluation.readForEvaluation(user.id, T0 + DAY, ask));
        expect(found!.reads.familiar).to.have.length(1);
        expect(found!.reads.lastSuccess!.at).to.equal(T0);
      });

      it('by username: nothing for a name nobody has', async () => {
        expect(await store.evaluation.readForSignIn('nobody', T0, ask)).to.equal(null);
      });
    });

    describe('evaluation write', () => {
      /** user-1's risk going from none to high, caused by detections of these types. */
      const toHighRisk = (types: DetectionDraft['type'][]): RiskWrite['change'] & object => ({
        patch: { riskLevel: 'high', riskState: 'atRisk' },
        history: {
          userId: 'user-1',
          at: T0,
          from: { level: 'none', state: 'none' },
          to: { level: 'high', state: 'atRisk' },
          cause: { kind: 'detection', types },
        },
      });
      const lesson = {
        familiar: { country: 'GB', device: 'd1', browser: null },
        population: { country: 'GB', browser: null },
        newUser: true,
      };

      it('stores the sign-in exactly as recordSignIn does, learning nothing without a lesson', async () => {
        const record = signIn({ id: 'evaluated', at: T0, outcome: 'blocked', decision: 'block' });
        await store.evaluation.recordEvaluated({ record, lesson: null, counters: [], risk: null, at: T0 });
        await store.signIns.recordSignIn({ ...record, id: 'separate' });
        const [together, apart] = await Promise.all([
          store.signIns.getSignIn('evaluated'),
          store.signIns.getSignIn('separate'),
        ]);
        expect({ ...together, id: 'x' }).to.deep.equal({ ...apart, id: 'x' });
        expect(await store.familiarity.familiarFeatures('user-1')).to.deep.equal([]);
        expect((await store.population.populationSnapshot({})).totalSignIns).to.equal(0);
      });

      it('with a lesson, stores the sign-in and learns it as recordSignIn and learnSignIn do', async () => {
        await store.evaluation.recordEvaluated({
          record: signIn({ id: 'learned', at: T0, outcome: 'allowed' }),
          lesson: { userId: 'user-1', lesson },
          counters: [],
          risk: null,
          at: T0,
        });
        await store.learning.learnSignIn('user-2', lesson, T0);
        expect((await store.signIns.getSignIn('learned'))!.outcome).to.equal('allowed');
        const strip = (rows: FamiliarFeature[]) =>
          rows.map(({ feature, value, count }) => [feature, value, count]);
        expect(strip(await store.familiarity.familiarFeatures('user-1'))).to.deep.equal(
          strip(await store.familiarity.familiarFeatures('user-2')),
        );
        expect(await store.population.populationSnapshot(lesson.population)).to.deep.equal({
          totalSignIns: 2,
          numberOfUsers: 2,
          counts: { 'country=GB': 2 },
          distinct: { country: 1 },
        });
      });

      it('learns nothing when the sign-in cannot be stored (one atomic write)', async () => {
        const broken = {
          ...signIn({ id: 'broken', at: T0, outcome: 'allowed' }),
          username: null as unknown as string,
        };
        let failed = false;
        await store.evaluation
          .recordEvaluated({
            record: broken,
            lesson: { userId: 'user-1', lesson },
            counters: [],
            risk: null,
            at: T0,
          })
          .catch(() => {
            failed = true;
          });
        expect(failed).to.equal(true);
        expect(await store.signIns.getSignIn('broken')).to.equal(null);
        expect(await store.familiarity.familiarFeatures('user-1')).to.deep.equal([]);
        expect((await store.population.populationSnapshot({})).totalSignIns).to.equal(0);
      });

      it('applies its counter writes as one counters.apply batch would', async () => {
        await store.counters.apply(
          [
            { op: 'increment', key: 'ok', windowMs: MINUTE },
            { op: 'increment', key: 'failures', windowMs: MINUTE },
            { op: 'increment', key: 'failures-2', windowMs: MINUTE },
          ],
          T0,
        );
        await store.evaluation.recordEvaluated({
          record: signIn({ id: 'counted', at: T0, outcome: 'allowed' }),
          lesson: null,
          counters: [
            { op: 'increment', key: 'ok', windowMs: MINUTE },
            { op: 'reset', key: 'failures' },
          ],
          risk: null,
          at: T0 + 1,
        });
        expect(await store.counters.count('ok', T0 + 2)).to.equal(2);
        expect(await store.counters.count('failures', T0 + 2)).to.equal(0);
        expect(await store.counters.count('failures-2', T0 + 2)).to.equal(1);
        expect(await store.signIns.getSignIn('counted')).to.not.equal(null);
      });

      it("stores the sign-in's detections and the user's new risk as the separate writes do", async () => {
        const change = toHighRisk(['impossibleTravel', 'leakedCredentials']);
        await store.evaluation.recordEvaluated({
          record: signIn({ id: 'risky', at: T0, outcome: 'interrupted', decision: 'requireMfa' }),
          lesson: null,
          counters: [],
          risk: { userId: 'user-1', signInId: 'risky', drafts: [travel, leaked], change },
          at: T0,
        });
        const detections = await store.detections.detectionsForSignIn('risky');
        expect(detections.map((d) => [d.type, d.userId, d.status, d.createdAt])).to.deep.equal([
          ['impossibleTravel', 'user-1', 'active', T0],
          ['leakedCredentials', 'user-1', 'active', T0],
        ]);
        expect(detections[0]!.evidence).to.deep.equal(travel.evidence);
        expect(await store.identities.getIdentity('user-1')).to.include({
          riskLevel: 'high',
          riskState: 'atRisk',
        });
        const [entry] = await store.riskHistory.riskHistory('user-1', 5);
        expect(entry).to.deep.include({
          userId: 'user-1',
          at: T0,
          from: change.history.from,
          to: change.history.to,
        });
        expect(entry!.cause).to.deep.equal(change.history.cause);
      });

      it('stores neither the sign-in nor any of its risk when its detections cannot be stored (one atomic write)', async () => {
        const change = toHighRisk(['impossibleTravel']);
        // A detection without a level breaks the column's NOT NULL after the sign-in row is written.
        const unstorable = { ...travel, level: null as unknown as DetectionDraft['level'] };
        let failed = false;
        await store.evaluation
          .recordEvaluated({
            record: signIn({ id: 'risky-broken', at: T0, outcome: 'interrupted', decision: 'requireMfa' }),
            lesson: null,
            counters: [],
            risk: { userId: 'user-1', signInId: 'risky-broken', drafts: [leaked, unstorable], change },
            at: T0,
          })
          .catch(() => {
            failed = true;
          });
        expect(failed).to.equal(true);
        expect(await store.signIns.getSignIn('risky-broken')).to.equal(null);
        expect(await store.detections.detectionsForSignIn('risky-broken')).to.deep.equal([]);
        expect(await store.identities.getIdentity('user-1')).to.include({
          riskLevel: 'none',
          riskState: 'none',
        });
        expect(await store.riskHistory.riskHistory('user-1', 5)).to.deep.equal([]);
      });

      it('refuses a counter batch that writes one key twice', async () => {
        let refused: unknown = null;
        await store.evaluation
          .recordEvaluated({
            record: signIn({ id: 'twice', at: T0, outcome: 'allowed' }),
            lesson: null,
            counters: [
              { op: 'increment', key: 'ok', windowMs: MINUTE },
              { op: 'reset', key: 'ok' },
            ],
            risk: null,
            at: T0,
          })
          .catch((error: unknown) => {
            refused = error;
          });
        expect(refused).to.be.instanceOf(CounterBatchError);
        expect(await store.signIns.getSignIn('twice')).to.equal(null);
      });
    });

    describe('learning', () => {
      it('one lesson counts the familiar values and the population exactly as the two separate writes do', async () => {
        const lesson = {
          familiar: { country: 'GB', city: 'London', device: 'd1', browser: null },
          population: { country: 'GB', device: 'd1', browser: null },
          newUser: true,
        };
        await store.learning.learnSignIn('user-1', lesson, T0);
        await store.learning.learnSignIn('user-1', { ...lesson, newUser: false }, T0 + DAY);
        await store.familiarity.learnFamiliar('user-2', lesson.familiar, T0);
        await store.population.recordPopulation(lesson.population, true);
        await store.familiarity.learnFamiliar('user-2', lesson.familiar, T0 + DAY);
        await store.population.recordPopulation(lesson.population, false);

        const strip = (
          rows: { feature: string; value: string; count: number; firstSeen: number; lastSeen: number }[],
        ) =>
          rows.map(({ feature, value, count, firstSeen, lastSeen }) => ({
            feature,
            value,
            count,
            firstSeen,
            lastSeen,
          }));
        expect(strip(await store.familiarity.familiarFeatures('user-1'))).to.deep.equal(
          strip(await store.familiarity.familiarFeatures('user-2')),
        );
        expect(await store.familiarity.familiarFeatures('user-1')).to.have.length(3);
        expect(await store.population.populationSnapshot(lesson.population)).to.deep.equal({
          totalSignIns: 4,
          numberOfUsers: 2,
          counts: { 'country=GB': 4, 'device=d1': 4 },
          distinct: { country: 1, device: 1 },
        });
      });

      it('a lesson with nothing known still counts the sign-in in the population', async () => {
        await store.learning.learnSignIn(
          'user-1',
          { familiar: { device: null }, population: { device: null }, newUser: true },
          T0,
        );
        expect(await store.familiarity.familiarFeatures('user-1')).to.deep.equal([]);
        const snapshot = await store.population.populationSnapshot({});
        expect([snapshot.totalSignIns, snapshot.numberOfUsers]).to.deep.equal([1, 1]);
      });

      it('parallel lessons all count', async () => {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.learning.learnSignIn(
              `user-${i % 4}`,
              {
                familiar: { country: i % 2 ? 'GB' : 'DE' },
                population: { country: i % 2 ? 'GB' : 'DE' },
                newUser: i < 4,
              },
              T0 + i,
            ),
          ),
        );
        const snapshot = await store.population.populationSnapshot({ country: 'GB' });
        expect(snapshot).to.deep.include({ totalSignIns: 20, numberOfUsers: 4 });
        expect(snapshot.counts['country=GB']).to.equal(10);
        expect(snapshot.distinct.country).to.equal(2);
        const user1 = await store.familiarity.familiarFeatures('user-1');
        expect(user1.map((f) => [f.value, f.count])).to.deep.equal([['GB', 5]]);
      });
    });

    describe('familiarity', () => {
      it('familiar features are counted per value, skipping unknown ones', async () => {
        await store.familiarity.learnFamiliar(
          'user-1',
          { country: 'GB', device: 'device-1', browser: null },
          T0,
        );
        await store.familiarity.learnFamiliar(
          'user-1',
          { country: 'GB', device: 'device-2', browser: null },
          T0 + DAY,
        );
        await store.familiarity.learnFamiliar('user-2', { country: 'FR' }, T0);
        const features = await store.familiarity.familiarFeatures('user-1');
        const byKey = Object.fromEntries(features.map((f) => [`${f.feature}=${f.value}`, f]));
        expect(Object.keys(byKey).sort()).to.deep.equal(['country=GB', 'device=device-1', 'device=device-2']);
        expect(byKey['country=GB']).to.deep.equal({
          feature: 'country',
          value: 'GB',
          count: 2,
          firstSeen: T0,
          lastSeen: T0 + DAY,
        });
        expect(byKey['device=device-1']).to.deep.equal({
          feature: 'device',
          value: 'device-1',
          count: 1,
          firstSeen: T0,
          lastSeen: T0,
        });
      });

      it('a user with no history has no familiar features', async () => {
        expect(await store.familiarity.familiarFeatures('user-1')).to.deep.equal([]);
      });
    });

    describe('counters', () => {
      it('a counter counts within its window and starts again after it', async () => {
        expect(await store.counters.increment('k', MINUTE, T0)).to.equal(1);
        expect(await store.counters.increment('k', MINUTE, T0 + 10)).to.equal(2);
        expect(await store.counters.increment('k', MINUTE, T0 + MINUTE - 1)).to.equal(3);
        expect(await store.counters.count('k', T0 + MINUTE - 1)).to.equal(3);
        // The window is fixed from its first increment: later increments do not extend it.
        expect(await store.counters.count('k', T0 + MINUTE)).to.equal(0);
        expect(await store.counters.increment('k', MINUTE, T0 + MINUTE)).to.equal(1);
        expect(await store.counters.count('k', T0 + MINUTE + 1)).to.equal(1);
      });

      it('an absent counter counts 0 and counters are independent', async () => {
        expect(await store.counters.count('absent', T0)).to.equal(0);
        await store.counters.increment('a', MINUTE, T0);
        expect(await store.counters.count('b', T0)).to.equal(0);
      });

      it('a reset counter counts from zero', async () => {
        await store.counters.increment('k', MINUTE, T0);
        await store.counters.increment('k', MINUTE, T0);
        await store.counters.reset('k');
        expect(await store.counters.count('k', T0)).to.equal(0);
        expect(await store.counters.increment('k', MINUTE, T0)).to.equal(1);
      });

      it('concurrent increments are all counted', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.counters.increment('k', MINUTE, T0)),
        );
        expect([...results].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(await store.counters.count('k', T0)).to.equal(50);
      });

      it('a claim succeeds once, then again only after it expired', async () => {
        expect(await store.counters.claimOnce('c', MINUTE, T0)).to.equal(true);
        expect(await store.counters.claimOnce('c', MINUTE, T0 + MINUTE - 1)).to.equal(false);
        expect(await store.counters.claimOnce('c', MINUTE, T0 + MINUTE)).to.equal(true);
        // The renewed claim has its own full lifetime.
        expect(await store.counters.claimOnce('c', MINUTE, T0 + 2 * MINUTE - 1)).to.equal(false);
        expect(await store.counters.claimOnce('other', MINUTE, T0)).to.equal(true);
      });

      it('of 50 concurrent claims of one key exactly one wins', async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.counters.claimOnce('c', MINUTE, T0)),
        );
        expect(results.filter(Boolean)).to.have.length(1);
      });

      it('many expired keys do not break counting (expired rows may be swept)', async () => {
        for (let i = 0; i < 1200; i++) await store.counters.increment(`k${i}`, MINUTE, T0);
        for (let i = 0; i < 600; i++) await store.counters.claimOnce(`c${i}`, MINUTE, T0);
        expect(await store.counters.increment('k0', MINUTE, T0 + 2 * MINUTE)).to.equal(1);
        expect(await store.counters.count('k1', T0 + 2 * MINUTE)).to.equal(0);
        expect(await store.counters.claimOnce('c1', MINUTE, T0 + 2 * MINUTE)).to.equal(true);
      });

      describe('batches (apply)', () => {
        it('answers one number per op, in order: the count read, the new count, 0 for a reset', async () => {
          await store.counters.increment('seen', MINUTE, T0);
          await store.counters.increment('seen', MINUTE, T0);
          await store.counters.increment('gone', MINUTE, T0);
          const results = await store.counters.apply(
            [
              { op: 'count', key: 'seen' },
              { op: 'increment', key: 'fresh', windowMs: MINUTE },
              { op: 'reset', key: 'gone' },
              { op: 'count', key: 'absent' },
              { op: 'increment', key: 'seen', windowMs: MINUTE },
            ],
            T0 + 10,
          );
          expect(results).to.deep.equal([2, 1, 0, 0, 3]);
          expect(await store.counters.count('seen', T0 + 10)).to.equal(3);
          expect(await store.counters.count('fresh', T0 + 10)).to.equal(1);
          expect(await store.counters.count('gone', T0 + 10)).to.equal(0);
        });

        it('every count sees the counters as they were before the batch', async () => {
          await store.counters.increment('a', MINUTE, T0);
          await store.counters.increment('b', MINUTE, T0);
          const results = await store.counters.apply(
            [
              { op: 'increment', key: 'a', windowMs: MINUTE },
              { op: 'count', key: 'a' },
              { op: 'reset', key: 'b' },
              { op: 'count', key: 'b' },
            ],
            T0,
          );
          expect(results).to.deep.equal([2, 1, 0, 1]);
          expect(await store.counters.count('b', T0)).to.equal(0);
        });

        it('keeps fixed windows: an expired counter counts 0 and an increment starts it again', async () => {
          await store.counters.increment('k', MINUTE, T0);
          await store.counters.increment('k', MINUTE, T0);
          const results = await store.counters.apply(
            [
              { op: 'count', key: 'k' },
              { op: 'increment', key: 'k', windowMs: MINUTE },
            ],
            T0 + MINUTE,
          );
          expect(results).to.deep.equal([0, 1]);
          // The new window runs from this increment.
          expect(await store.counters.count('k', T0 + 2 * MINUTE - 1)).to.equal(1);
          expect(await store.counters.count('k', T0 + 2 * MINUTE)).to.equal(0);
        });

        it('refuses a key written twice and changes nothing', async () => {
          let refused: unknown = null;
          try {
            await store.counters.apply(
              [
                { op: 'increment', key: 'x', windowMs: MINUTE },
                { op: 'increment', key: 'y', windowMs: MINUTE },
                { op: 'reset', key: 'x' },
              ],
              T0,
            );
          } catch (error) {
            refused = error;
          }
          expect(refused).to.be.instanceOf(CounterBatchError);
          expect(await store.counters.count('x', T0)).to.equal(0);
          expect(await store.counters.count('y', T0)).to.equal(0);
        });

        it('an empty batch answers an empty list', async () => {
          expect(await store.counters.apply([], T0)).to.deep.equal([]);
        });

        it('concurrent batches count every increment exactly once', async () => {
          const results = await Promise.all(
            Array.from({ length: 30 }, () =>
              store.counters.apply(
                [
                  { op: 'increment', key: 'p', windowMs: MINUTE },
                  { op: 'increment', key: 'q', windowMs: MINUTE },
                ],
                T0,
              ),
            ),
          );
          const sorted = (column: number) => results.map((r) => r[column]!).sort((a, b) => a - b);
          const oneToThirty = Array.from({ length: 30 }, (_, i) => i + 1);
          expect(sorted(0)).to.deep.equal(oneToThirty);
          expect(sorted(1)).to.deep.equal(oneToThirty);
          expect(await store.counters.count('p', T0)).to.equal(30);
        });

        it('resets clear counters but never claims of the same name', async () => {
          expect(await store.counters.claimOnce('shared', MINUTE, T0)).to.equal(true);
          await store.counters.apply([{ op: 'reset', key: 'shared' }], T0);
          expect(await store.counters.claimOnce('shared', MINUTE, T0)).to.equal(false);
        });
      });
    });

    describe('flows', () => {
      it('a created flow reads back exactly', async () => {
        await store.flows.createFlow(flow());
        expect(await store.flows.getFlow('flow-1')).to.deep.equal(flow());
        expect(await store.flows.getFlow('nope')).to.equal(null);
      });

      it('a transition at the current version applies and bumps the version; a stale one is refused', async () => {
        await store.flows.createFlow(flow());
        expect(
          await store.flows.transitionFlow('flow-1', 0, {
            state: 'mfa',
            data: { returnTo: '/home', step: 2 },
          }),
        ).to.equal(true);
        expect(await store.flows.transitionFlow('flow-1', 0, { state: 'done', data: {} })).to.equal(false);
        expect(await store.flows.getFlow('flow-1')).to.deep.equal(
          flow({ state: 'mfa', version: 1, data: { returnTo: '/home', step: 2 } }),
        );
        expect(await store.flows.transitionFlow('missing', 0, { state: 'x', data: {} })).to.equal(false);
      });

      it('of concurrent transitions from one version exactly one applies', async () => {
        await store.flows.createFlow(flow());
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.flows.transitionFlow('flow-1', 0, { state: `s${i}`, data: {} }),
          ),
        );
        expect(results.filter(Boolean)).to.have.length(1);
        expect((await store.flows.getFlow('flow-1'))!.version).to.equal(1);
      });

      it('flow attempts count up to the cap and no further', async () => {
        await store.flows.createFlow(flow());
        expect(await store.flows.addFlowAttempt('flow-1', 2)).to.equal(1);
        expect(await store.flows.addFlowAttempt('flow-1', 2)).to.equal(2);
        expect(await store.flows.addFlowAttempt('flow-1', 2)).to.equal(null);
        expect((await store.flows.getFlow('flow-1'))!.attempts).to.equal(2);
        expect(await store.flows.addFlowAttempt('missing', 2)).to.equal(null);
      });

      it('50 concurrent attempts against a cap of 5 get exactly 5 through', async () => {
        await store.flows.createFlow(flow());
        const results = await Promise.all(
          Array.from({ length: 50 }, () => store.flows.addFlowAttempt('flow-1', 5)),
        );
        const through = results.filter((r) => r !== null);
        expect(through).to.have.length(5);
        expect([...through].sort()).to.deep.equal([1, 2, 3, 4, 5]);
        expect((await store.flows.getFlow('flow-1'))!.attempts).to.equal(5);
      });

      it('a deleted flow is gone', async () => {
        await store.flows.createFlow(flow());
        await store.flows.deleteFlow('flow-1');
        expect(await store.flows.getFlow('flow-1')).to.equal(null);
      });
    });

    describe('sessions', () => {
      const later = () => Date.now() + DAY;

      it('a stored session reads back; a destroyed one does not', async () => {
        const sessions = sessionsOf(store);
        const sess = sessionData(later(), 'user-1');
        await sessions.set('sid-1', sess);
        expect(await sessions.get('sid-1')).to.deep.equal(JSON.parse(JSON.stringify(sess)));
        await sessions.destroy('sid-1');
        expect(await sessions.get('sid-1')).to.equal(null);
        expect(await sessions.get('never-existed')).to.equal(null);
      });

      it('saving a session marked as read from the store only updates it: once ended it stays ended', async () => {
        const sessions = sessionsOf(store);
        await sessions.set('sid-1', sessionData(later(), 'user-1'));
        const loaded = { ...sessionData(later(), 'user-1'), riskgate: { userId: 'user-1', username: 'new' } };
        markLoaded(loaded);
        await sessions.set('sid-1', loaded as unknown as SessionData);
        expect(
          ((await sessions.get('sid-1')) as unknown as { riskgate: { username: string } }).riskgate.username,
        ).to.equal('new');
        expect(await store.sessions.destroyUserSessions('user-1')).to.equal(1);
        // A request that read it before it was ended saves it late: it must not come back.
        await sessions.set('sid-1', loaded as unknown as SessionData);
        expect(await sessions.get('sid-1')).to.equal(null);
        expect(await store.sessions.userSessions('user-1')).to.deep.equal([]);
        // An unmarked session (a new one after regenerate) is still created.
        await sessions.set('sid-2', sessionData(later(), 'user-1'));
        expect(await sessions.get('sid-2')).to.not.equal(null);
      });

      it('setting a session again replaces it', async () => {
        const sessions = sessionsOf(store);
        await sessions.set('sid-1', sessionData(later()));
        const signedIn = sessionData(later(), 'user-1');
        await sessions.set('sid-1', signedIn);
        expect(await sessions.get('sid-1')).to.deep.equal(JSON.parse(JSON.stringify(signedIn)));
        // The user index follows the latest contents.
        expect(await store.sessions.destroyUserSessions('user-1')).to.equal(1);
      });

      it('an expired session is never returned, counted or listed', async () => {
        const sessions = sessionsOf(store);
        await sessions.set('old', sessionData(Date.now() - 1000, 'user-1'));
        await sessions.set('live', sessionData(later(), 'user-1'));
        expect(await sessions.get('old')).to.equal(null);
        expect(await sessions.length()).to.equal(1);
        expect(Object.keys((await sessions.all()) ?? {})).to.deep.equal(['live']);
      });

      it('touching a session renews its cookie but does not revive an expired one', async () => {
        const sessions = sessionsOf(store);
        const soon = Date.now() + MINUTE;
        await sessions.set('sid-1', sessionData(soon, 'user-1'));
        const renewed = sessionData(later(), 'user-1');
        await sessions.touch('sid-1', renewed);
        const read = (await sessions.get('sid-1')) as unknown as {
          cookie: { expires: string };
          riskgate: { userId: string };
        };
        expect(read.cookie.expires).to.equal(
          new Date((renewed.cookie as unknown as { expires: string }).expires).toISOString(),
        );
        expect(read.riskgate.userId).to.equal('user-1');

        await sessions.set('gone', sessionData(Date.now() - 1000));
        await sessions.touch('gone', sessionData(later()));
        expect(await sessions.get('gone')).to.equal(null);
      });

      it('a session with no expiry in its cookie lasts a day', async () => {
        const sessions = sessionsOf(store);
        await sessions.set('sid-1', { cookie: {} } as unknown as SessionData);
        expect(await sessions.get('sid-1')).to.deep.equal({ cookie: {} });
      });

      it("signing a user out everywhere removes all of that user's sessions except the one kept", async () => {
        const sessions = sessionsOf(store);
        for (const sid of ['a', 'b', 'c']) await sessions.set(sid, sessionData(later(), 'user-1'));
        await sessions.set('other-user', sessionData(later(), 'user-2'));
        await sessions.set('anonymous', sessionData(later()));
        expect(await store.sessions.destroyUserSessions('user-1', 'b')).to.equal(2);
        expect(await sessions.get('a')).to.equal(null);
        expect(await sessions.get('b')).to.not.equal(null);
        expect(await sessions.get('other-user')).to.not.equal(null);
        expect(await sessions.get('anonymous')).to.not.equal(null);
        expect(await store.sessions.destroyUserSessions('user-1')).to.equal(1);
        expect(await store.sessions.destroyUserSessions('user-1')).to.equal(0);
      });

      it("a user's sessions list only that user's live ones, with their data and expiry", async () => {
        const sessions = sessionsOf(store);
        const expires = later();
        const stored = sessionData(expires, 'user-1');
        await sessions.set('a', stored);
        await sessions.set('b', sessionData(expires, 'user-1'));
        await sessions.set('expired', sessionData(Date.now() - 1000, 'user-1'));
        await sessions.set('other-user', sessionData(expires, 'user-2'));
        await sessions.set('anonymous', sessionData(expires));
        const listed = await store.sessions.userSessions('user-1');
        expect(listed.map((s) => s.sid).sort()).to.deep.equal(['a', 'b']);
        const a = listed.find((s) => s.sid === 'a')!;
        expect(a.session).to.deep.equal(JSON.parse(JSON.stringify(stored)));
        expect(a.expiresAt).to.equal(expires);
        expect(await store.sessions.userSessions('nobody')).to.deep.equal([]);
      });

      it("a session moved to another user (or signed out) leaves the first user's list", async () => {
        const sessions = sessionsOf(store);
        await sessions.set('a', sessionData(later(), 'user-1'));
        await sessions.set('b', sessionData(later(), 'user-1'));
        await sessions.set('a', sessionData(later(), 'user-2'));
        await sessions.set('b', sessionData(later()));
        expect(await store.sessions.userSessions('user-1')).to.deep.equal([]);
        expect((await store.sessions.userSessions('user-2')).map((s) => s.sid)).to.deep.equal(['a']);
      });

      it("ending one session removes it only when it is the user's own", async () => {
        const sessions = sessionsOf(store);
        await sessions.set('mine', sessionData(later(), 'user-1'));
        await sessions.set('also-mine', sessionData(later(), 'user-1'));
        await sessions.set('theirs', sessionData(later(), 'user-2'));
        await sessions.set('anonymous', sessionData(later()));
        expect(await store.sessions.destroyUserSession('user-1', 'theirs')).to.equal(false);
        expect(await store.sessions.destroyUserSession('user-1', 'anonymous')).to.equal(false);
        expect(await store.sessions.destroyUserSession('user-1', 'never-existed')).to.equal(false);
        expect(await sessions.get('theirs')).to.not.equal(null);
        expect(await sessions.get('anonymous')).to.not.equal(null);
        expect(await store.sessions.destroyUserSession('user-1', 'mine')).to.equal(true);
        expect(await sessions.get('mine')).to.equal(null);
        expect(await store.sessions.destroyUserSession('user-1', 'mine')).to.equal(false);
        expect((await store.sessions.userSessions('user-1')).map((s) => s.sid)).to.deep.equal(['also-mine']);
        expect(await store.sessions.destroyUserSessions('user-1')).to.equal(1);
      });

      it('clearing removes every session', async () => {
        const sessions = sessionsOf(store);
        await sessions.set('a', sessionData(later(), 'user-1'));
        await sessions.set('b', sessionData(later()));
        await sessions.clear();
        expect(await sessions.length()).to.equal(0);
      });
    });
  });
}
