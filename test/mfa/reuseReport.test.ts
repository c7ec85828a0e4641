import { expect } from 'chai';
import pino from 'pino';
import { Writable } from 'node:stream';
import { openSqliteStore } from '../../src/storage/sqlite/index.js';
import type { Store } from '../../src/storage/types.js';
import { RiskService } from '../../src/remediation/riskService.js';
import { reportTotpReuse } from '../../src/mfa/reuseReport.js';

const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);

describe('reporting a reused TOTP code', () => {
  let store: Store;
  let lines: Record<string, unknown>[];
  let mailed: string[];
  let report: ReturnType<typeof reportTotpReuse>;

  beforeEach(() => {
    store = openSqliteStore({ file: ':memory:', sessionPruneIntervalMs: 0 });
    lines = [];
    mailed = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    report = reportTotpReuse({
      logger: pino({ level: 'info' }, sink),
      risk: new RiskService(store),
      notifyOwner: (userId) => mailed.push(userId),
    });
  });

  afterEach(async () => {
    await store.close();
  });

  it('a code entered again later is logged, recorded as a low detection on the sign-in and mailed to the owner', async () => {
    await report({ userId: 'user-1', signInId: 'sign-in-1', concurrent: false, now: T0 });
    const detections = await store.detections.detectionsForSignIn('sign-in-1');
    expect(detections.map((d) => [d.type, d.level, d.scope])).to.deep.equal([['reusedOtp', 'low', 'signIn']]);
    expect((await store.identities.getIdentity('user-1')).riskLevel).to.equal('low');
    expect(mailed).to.deep.equal(['user-1']);
    expect(lines.at(-1)).to.include({ event: 'totpReuse', userId: 'user-1', concurrent: false, level: 40 });
  });

  it('a double submit (the same code twice at once) is logged only: no detection, no risk, no mail', async () => {
    await report({ userId: 'user-1', signInId: 'sign-in-1', concurrent: true, now: T0 });
    expect(await store.detections.detectionsForUser('user-1')).to.deep.equal([]);
    expect((await store.identities.getIdentity('user-1')).riskLevel).to.equal('none');
    expect(mailed).to.deep.equal([]);
    expect(lines.at(-1)).to.include({ event: 'totpReuse', concurrent: true });
  });

  it('without a sign-in (the admin step-up of a session) the detection is on the user', async () => {
    await report({ userId: 'user-1', signInId: null, concurrent: false, now: T0 });
    const [detection] = await store.detections.detectionsForUser('user-1');
    expect(detection).to.include({ scope: 'user', signInId: null });
  });
});
