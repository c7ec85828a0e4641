import { expect } from 'chai';
import { startOn, type LiveServer, type SqlBackend } from './harness.js';
import { JOURNEYS } from './journeys.js';
import request from 'supertest';
import { IP } from '../helpers/riskgate.js';
import { TRAVEL, seedRisk } from '../admin/helpers.js';
import { adminConsole } from './adminJourneys.js';
import { DISPLAYED_FIELDS, XSS_PAYLOADS } from './displayed.js';
import { ADMIN_DISPLAYED_FIELDS } from './adminDisplayed.js';

const SQL_PAYLOADS = [
  "' OR '1'='1",
  "alice'--",
  "'; DROP TABLE users; --",
  '" OR 1=1 --',
  "') UNION SELECT password_hash, NULL FROM users --",
  '1; SELECT pg_sleep(5)--',
  "\\'; DELETE FROM sessions; --",
  '$1',
  '%',
  '_',
];

for (const backend of ['SQLite', 'PostgreSQL'] as SqlBackend[]) {
  describe(`security: SQL injection in every input (${backend})`, function () {
    this.timeout(60_000);
    let s: LiveServer | null;
    afterEach(() => s?.close());

    it('payloads in the username, password, returnTo, user agent and flow fields are stored and compared as plain text', async function () {
      s = await startOn(backend, this, {
        throttle: { windowSeconds: 900, maxPerIp: 1000, maxPerUsername: 1000 },
      });
      if (!s) return;
      const live = s;
      const user = await live.addUser('alice');
      const counts = async () =>
        Object.fromEntries(Object.entries(await live.snapshot()).map(([t, rows]) => [t, rows.length]));
      for (const payload of SQL_PAYLOADS) {
        const client = live.client(IP.london, payload);
        const page = await client.signIn(payload, payload);
        expect(page.status, payload).to.be.oneOf([400, 401]);
        await client.signIn('alice', payload);
        expect(client.last.status).to.equal(401);
        await client.get(`/auth/sign-in?returnTo=${encodeURIComponent(`/${payload}`)}`);
      }
      // Nothing matched by wildcard or injection, nothing dropped or deleted; the attempts were recorded verbatim.
      const recorded = await live.riskgate.store.signIns.recentSignIns(user.id, 100);
      expect(recorded.filter((r) => r.outcome === 'allowed')).to.have.length(0);
      expect(recorded.map((r) => r.context.device.userAgent)).to.include.members(SQL_PAYLOADS);
      const tables = await counts();
      expect(tables.users).to.equal(1);
      expect(await live.riskgate.store.users.findUserByUsername("alice' or '1'='1")).to.equal(null);
      expect(await live.riskgate.store.users.findUserByUsername('%')).to.equal(null);

      // Flow fields: the MFA code and the new password.
      const j = await JOURNEYS.compromisedMfa(live);
      for (const payload of SQL_PAYLOADS) {
        const page = await j.client.submit('/auth/flow/mfa', { code: payload.slice(0, 20) });
        if (page.html.includes('Too many')) break;
        expect(page.status).to.be.oneOf([400, 429]);
      }
      const after = await counts();
      expect(Object.keys(after)).to.deep.equal(Object.keys(tables));
      expect(after.users).to.equal(2); // alice, and the journey's own user
    });

    it('payloads in the admin console and API filter and search parameters are refused or matched as plain text', async function () {
      s = await startOn(backend, this);
      if (!s) return;
      const live = s;
      const eve = await live.addUser('eve');
      await seedRisk({ rg: live }, eve.id, 'eve', [TRAVEL]);
      const admin = await adminConsole(live, '/admin/');
      const { token } = await live.riskgate.adminServices.tokens.create('sqli', {
        kind: 'user',
        id: admin.userId,
        name: admin.username,
      });
      // Unfiltered, eve is listed: her absence below is the filters' doing.
      expect((await admin.client.get('/admin/users')).html).to.contain('>eve<');
      const before = await live.snapshot();
      const FILTERS: [string, string[]][] = [
        ['/users', ['level', 'state', 'sort', 'order', 'page']],
        ['/sign-ins', ['level', 'state', 'user']],
        ['/detections', ['status', 'type', 'level', 'user']],
        ['/mfa-registration', ['status', 'perPage']],
        ['/audit', ['actor', 'action', 'target', 'result', 'before', 'limit']],
      ];
      for (const [path, params] of FILTERS)
        for (const param of params)
          for (const payload of SQL_PAYLOADS) {
            const query = `?${param}=${encodeURIComponent(payload)}`;
            const page = await admin.client.get(`/admin${path}${query}`);
            expect(page.status, `${path}${query}`).to.be.oneOf([200, 400]);
            // Nothing matched by wildcard or injection: no user, sign-in or entry beyond the filter's.
            if (page.status === 200) expect(page.html, `${path}${query}`).to.not.contain('>eve<');
            const api = await request(live.url)
              .get(`/admin/api/v1${path}${query}`)
              .set('Authorization', `Bearer ${token}`);
            expect(api.status, `API ${path}${query}`).to.be.oneOf([200, 400]);
            if (api.status === 400) expect(api.body.error).to.include.keys('code', 'message');
            else expect(api.text, `API ${path}${query}`).to.not.contain('"eve"');
          }
      const after = await live.snapshot();
      expect(Object.keys(after)).to.deep.equal(Object.keys(before));
      expect(after.users).to.deep.equal(before.users);
      expect(after.detections).to.deep.equal(before.detections);
    });
  });
}

describe('security: stored and reflected XSS in every displayed field', function () {
  this.timeout(60_000);
  let s: LiveServer | null;
  afterEach(() => s?.close());

  for (const field of [...DISPLAYED_FIELDS, ...ADMIN_DISPLAYED_FIELDS]) {
    it(`${field.name}: shown escaped, never as markup`, async function () {
      s = await startOn('SQLite', this);
      for (const payload of XSS_PAYLOADS) {
        const html = await field.show(s!, payload);
        expect(html, payload).to.not.contain(payload);
        expect(html).to.not.match(/<script>alert|<img src=x onerror|<svg onload|javascript:alert\(1\)"/i);
        expect(html, `${field.name} did not show the value at all: the test proves nothing`).to.contain(
          field.shownAs(payload),
        );
      }
    });
  }
});
