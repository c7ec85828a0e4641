import { expect } from 'chai';
import { startRiskgate, DAY, Clock, type TestRiskgate } from '../helpers/riskgate.js';

describe('offline jobs', () => {
  let rg: TestRiskgate;
  beforeEach(async () => {
    rg = await startRiskgate({ jobs: { enabled: false, intervalMinutes: 60, lowRiskAgeingDays: 180 } });
  });
  afterEach(() => rg.close());

  const low = {
    type: 'newCountry',
    level: 'low',
    timing: 'realtime',
    scope: 'signIn',
    reason: 'first sign-in from Japan',
  } as const;

  it('risk ageing closes low detections older than 180 days by the system and lowers user risk', async () => {
    const user = await rg.addUser('alice');
    await rg.riskgate.store.detections.addDetections(user.id, 'sign-in-1', [low], rg.clock.now());
    await rg.riskgate.store.identities.updateIdentity(
      user.id,
      { riskLevel: 'low', riskState: 'atRisk' },
      rg.clock.now(),
    );
    rg.clock.advance(181 * DAY);
    const [result] = await rg.riskgate.jobs.runDue();
    expect(result).to.deep.include({ job: 'riskAgeing', ran: true });
    const [aged] = await rg.riskgate.store.detections.detectionsForUser(user.id);
    expect(aged).to.deep.include({ status: 'closed', closedBy: 'system' });
    const identity = await rg.riskgate.store.identities.getIdentity(user.id);
    expect(identity.riskLevel).to.equal('none');
    expect(identity.riskState).to.equal('remediated');
    const [run] = await rg.riskgate.store.jobs.jobRuns('riskAgeing', 1);
    expect(run!.summary).to.contain('1 user');
  });

  it('younger low detections and medium ones are left active', async () => {
    const user = await rg.addUser('alice');
    await rg.riskgate.store.detections.addDetections(
      user.id,
      'sign-in-1',
      [low, { ...low, level: 'medium' }],
      rg.clock.now(),
    );
    rg.clock.advance(100 * DAY);
    await rg.riskgate.jobs.runDue();
    expect(await rg.riskgate.store.detections.activeDetections(user.id)).to.have.length(2);
  });

  it('a job runs once per period: a second check within the hour does nothing', async () => {
    expect((await rg.riskgate.jobs.runDue())[0]!.ran).to.equal(true);
    rg.clock.advance(30 * 60_000);
    expect((await rg.riskgate.jobs.runDue())[0]!.ran).to.equal(false);
    rg.clock.advance(31 * 60_000);
    expect((await rg.riskgate.jobs.runDue())[0]!.ran).to.equal(true);
  });

  it('two instances sharing a store run a due job once between them', async () => {
    const other = await startRiskgate(
      { jobs: { enabled: false, intervalMinutes: 60, lowRiskAgeingDays: 180 } },
      rg.dataDir,
      rg.clock,
    );
    try {
      const [a, b] = await Promise.all([rg.riskgate.jobs.runDue(), other.riskgate.jobs.runDue()]);
      expect([a[0]!.ran, b[0]!.ran].filter(Boolean)).to.have.length(1);
      expect(await rg.riskgate.store.jobs.jobRuns('riskAgeing', 10)).to.have.length(1);
    } finally {
      await other.riskgate.close();
    }
  });

  it('the in-process scheduler runs due jobs at start', async () => {
    const clock = new Clock();
    const running = await startRiskgate({}, undefined, clock);
    try {
      await running.riskgate.jobs.stop(); // waits for the start-up check to finish
      expect(await running.riskgate.store.jobs.jobRuns('riskAgeing', 10)).to.have.length(1);
    } finally {
      await running.close();
    }
  });
});
