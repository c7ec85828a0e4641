/**
 * Admin mails with two Riskgate instances sharing one store (a SQLite file, or a PostgreSQL schema):
 * "users at risk detected" is aggregated to one mail per window across both, and the weekly digest
 * goes out once per week however many instances run the job.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { Clock, startRiskgate, IP, DAY, MINUTE, type TestRiskgate } from '../helpers/riskgate.js';
import { TestClient } from '../helpers/client.js';
import { TestSmtp } from '../helpers/smtp.js';
import { POSTGRES_URL, dropSchema, randomSchema, requirePostgres } from '../helpers/postgres.js';
import { openPostgresStore } from '../../src/storage/postgres/index.js';
import type { RiskgateOptions } from '../../src/riskgate.js';

const ADMIN = 'admin@example.com';
const SOC = 'soc@example.com';
/** Monday 30 November 2026, 09:00 UTC: an hour after the default digest time. */
const MONDAY_9AM = Date.UTC(2026, 10, 30, 9, 0);

for (const backend of ['SQLite', 'PostgreSQL'] as const) {
  describe(`admin mails across two instances (${backend})`, function () {
    let smtp: TestSmtp;
    let one: TestRiskgate;
    let two: TestRiskgate;
    let clock: Clock;
    let admin: pg.Pool | null = null;
    let schema = '';
    let dataDir = '';

    before(async function () {
      if (backend === 'PostgreSQL') admin = await requirePostgres(this);
    });
    after(async () => {
      await admin?.end();
    });

    async function instance(): Promise<TestRiskgate> {
      const options: RiskgateOptions = {
        publicUrl: 'https://login.example.com',
        mail: smtp.options({ adminAddresses: [SOC], alertWindowMinutes: 60 }),
        jobs: { enabled: false },
      };
      if (backend === 'PostgreSQL') {
        const store = await openPostgresStore({ connectionString: POSTGRES_URL, schema });
        return startRiskgate({ ...options, store }, undefined, clock);
      }
      return startRiskgate(options, dataDir, clock);
    }

    beforeEach(async () => {
      smtp = await TestSmtp.start();
      clock = new Clock(MONDAY_9AM - 5 * DAY);
      schema = randomSchema();
      dataDir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-notify-'));
      one = await instance();
      two = await instance();
      await one.addUser('root', { email: ADMIN, roles: ['admin'] });
      await one.addUser('second-admin', { roles: ['admin'] }); // no address: not a recipient
      await one.addUser('staff', { email: 'staff@example.com', roles: ['auditor'] });
    });
    afterEach(async () => {
      await one.close();
      await two.close();
      await smtp.close();
      if (backend === 'PostgreSQL') await dropSchema(admin, schema);
      rmSync(dataDir, { recursive: true, force: true });
    });

    const settled = () =>
      Promise.all([one.riskgate.notifications.settled(), two.riskgate.notifications.settled()]);
    const alerts = () => smtp.mails.filter((m) => m.subject.includes('at risk detected'));

    /** A sign-in on `rg`, then the admin confirms it compromised there: user risk high. */
    async function compromise(rg: TestRiskgate, username: string) {
      const user = await rg.addUser(username);
      await new TestClient(rg.app, IP.london).signIn(username, user.password);
      const [signIn] = await rg.riskgate.store.signIns.recentSignIns(user.id, 1);
      await rg.riskgate.remediation.confirmSignInCompromised(signIn!.id);
      return user;
    }

    it('the first user at risk is mailed at once; the rest of the window goes in one later mail', async () => {
      // dave signs in with a breached password on instance one: leakedCredentials, user risk high.
      await one.addUser('dave', { password: 'password1' });
      await new TestClient(one.app, IP.london).signIn('dave', 'password1');
      await settled();
      expect(alerts()).to.have.length(1);
      expect(alerts()[0]!.to.sort()).to.deep.equal([ADMIN, SOC].sort());
      expect(alerts()[0]!.subject).to.equal('Riskgate: 1 user at risk detected');
      expect(alerts()[0]!.text).to.match(/- dave: high/);
      expect(alerts()[0]!.raw).to.not.contain('password1');

      clock.advance(10 * MINUTE);
      await compromise(two, 'erin');
      await compromise(one, 'frank');
      await compromise(two, 'erin-again');
      await settled();
      expect(alerts()).to.have.length(1); // throttled: same window

      clock.advance(51 * MINUTE);
      const sent = await Promise.all([
        one.riskgate.notifications.flushRiskAlerts(),
        two.riskgate.notifications.flushRiskAlerts(),
      ]);
      await settled();
      expect(sent.filter(Boolean)).to.have.length(1);
      expect(alerts()).to.have.length(2);
      const second = alerts()[1]!;
      expect(second.subject).to.equal('Riskgate: 3 users at risk detected');
      expect(second.text).to.contain('- erin: high');
      expect(second.text).to.contain('- frank: high');
      expect(second.text).to.contain('- erin-again: high');
      expect(second.text).to.not.contain('dave');

      // Nothing pending: later flushes send nothing.
      clock.advance(61 * MINUTE);
      expect(await one.riskgate.notifications.flushRiskAlerts()).to.equal(false);
    });

    it('only crossing the level alerts: a user already at high, or rising to medium, is not listed again', async () => {
      const erin = await compromise(one, 'erin');
      await settled();
      expect(alerts()).to.have.length(1);
      // Another high detection on erin (already high) adds nothing to the queue.
      clock.advance(61 * MINUTE);
      await new TestClient(two.app, IP.london).signIn('erin', erin.password);
      const [signIn] = await two.riskgate.store.signIns.recentSignIns(erin.id, 1);
      await two.riskgate.remediation.confirmSignInCompromised(signIn!.id);
      await settled();
      expect(await two.riskgate.notifications.flushRiskAlerts()).to.equal(false);
      expect(alerts()).to.have.length(1);
    });

    it('the weekly digest is sent once across instances, once per week, with the week in it', async () => {
      await compromise(one, 'erin');
      await one.addUser('dave', { password: 'password1' });
      await new TestClient(two.app, IP.london).signIn('dave', 'password1');
      // gina: London, then Tokyo an hour later: a risky sign-in (impossible travel).
      const gina = await one.addUser('gina');
      await new TestClient(one.app, IP.london).signIn('gina', gina.password);
      clock.advance(60 * MINUTE);
      await new TestClient(two.app, IP.tokyo).signIn('gina', gina.password);
      await settled();
      smtp.mails.length = 0;

      clock.current = MONDAY_9AM;
      const runs = await Promise.all([one.riskgate.jobs.runDue(), two.riskgate.jobs.runDue()]);
      await settled();
      const ran = runs.flat().filter((r) => r.job === 'weeklyDigest' && r.ran);
      expect(ran).to.have.length(1);
      const digests = smtp.mails.filter((m) => m.subject === 'Riskgate: weekly risk digest');
      expect(digests).to.have.length(1);
      const [digest] = digests;
      expect(digest!.to.sort()).to.deep.equal([ADMIN, SOC].sort());
      expect(digest!.text).to.contain('Risky users (new this week and still at risk): 3');
      expect(digest!.text).to.contain('- dave: high');
      expect(digest!.text).to.contain('- erin: high');
      expect(digest!.text).to.match(/- gina: (medium|high)\n/);
      expect(digest!.text).to.contain('Risky sign-ins: 1');
      expect(digest!.text).to.contain('- adminConfirmedCompromised: 1');
      expect(digest!.text).to.contain('- leakedCredentials: 1');
      expect(digest!.text).to.contain('- impossibleTravel: 1');
      expect(digest!.html).to.contain('<table>');

      // Later the same day, when the job's hourly lease is free again: already sent.
      clock.advance(2 * 60 * MINUTE);
      await Promise.all([one.riskgate.jobs.runDue(), two.riskgate.jobs.runDue()]);
      await settled();
      expect(smtp.mails.filter((m) => m.subject === 'Riskgate: weekly risk digest')).to.have.length(1);

      // The next Monday: the next digest, for a quiet week.
      clock.current = MONDAY_9AM + 7 * DAY;
      await Promise.all([two.riskgate.jobs.runDue(), one.riskgate.jobs.runDue()]);
      await settled();
      const all = smtp.mails.filter((m) => m.subject === 'Riskgate: weekly risk digest');
      expect(all).to.have.length(2);
      expect(all[1]!.text).to.contain('Risky users (new this week and still at risk): 0');
      expect(all[1]!.text).to.contain('- none');
    });
  });
}
