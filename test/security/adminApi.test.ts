/**
 * The admin JSON API takes no cookies and no CSRF token: a bearer token is the only credential. Every
 * write route refuses a missing, malformed, unknown or revoked token, and a signed-in console session
 * (cookie and CSRF token included) without a bearer token, each with a JSON 401 and no change in the
 * store; the same request with a live token acts. The write routes' JSON fields are fuzzed: no 5xx,
 * and a refused body changes nothing.
 */
import { expect } from 'chai';
import request from 'supertest';
import fc from 'fast-check';
import { startLiveServer, type LiveServer } from './harness.js';
import { JOURNEYS, type Journey } from './journeys.js';
import { LEAKED, TRAVEL, seedRisk } from '../admin/helpers.js';
import type { Snapshot } from './snapshot.js';

const API = '/admin/api/v1';
const SEED = 20261202;
const CASES = 20;

interface ApiWrite {
  name: string;
  method: 'post' | 'put';
  path: (t: Targets) => string;
  body: (t: Targets) => Record<string, unknown>;
}
interface Targets {
  userId: string;
  signInId: string;
  tokenId: string;
}

const WRITES: ApiWrite[] = [
  { name: 'create a token', method: 'post', path: () => '/tokens', body: () => ({ name: 'SIEM export' }) },
  { name: 'revoke a token', method: 'post', path: (t) => `/tokens/${t.tokenId}/revoke`, body: () => ({}) },
  {
    name: 'a user action (dismiss user risk)',
    method: 'post',
    path: (t) => `/users/${t.userId}/dismiss-risk`,
    body: () => ({ reason: 'checked by phone' }),
  },
  {
    name: 'bulk dismiss',
    method: 'post',
    path: () => '/users/bulk-dismiss',
    body: (t) => ({ userIds: [t.userId], reason: 'test accounts' }),
  },
  {
    name: 'a sign-in action (confirm safe)',
    method: 'post',
    path: (t) => `/sign-ins/${t.signInId}/confirm-safe`,
    body: () => ({ reason: 'office VPN' }),
  },
];

/** Tokens by id, name and revocation only: an authorized call's own bookkeeping (last use) is not a change. */
function withoutTokenUse(snapshot: Snapshot): Snapshot {
  return Object.fromEntries(
    Object.entries(snapshot).map(([table, rows]) => [
      table,
      table === 'api_tokens'
        ? rows
            .map((r) => r as Record<string, unknown>)
            .map((r) => ({ id: r.id, name: r.name, revoked_at: r.revoked_at }))
            .sort((x, y) => String(x.id).localeCompare(String(y.id)))
        : rows,
    ]),
  );
}

function withoutAudit(snapshot: Snapshot): Snapshot {
  return Object.fromEntries(Object.entries(snapshot).filter(([table]) => !table.includes('audit')));
}

function changedTables(a: Snapshot, b: Snapshot): string[] {
  return Object.keys(b).filter((t) => JSON.stringify(a[t]) !== JSON.stringify(b[t]));
}

describe('security: the admin API authorizes by bearer token only', function () {
  this.timeout(60_000);
  let s: LiveServer;
  let admin: Journey;
  let token: string;
  let targets: Targets;
  beforeEach(async () => {
    s = await startLiveServer();
    admin = await JOURNEYS.adminTokens(s); // a console session past the TOTP step-up
    const user = await s.addUser('eve');
    const { signInId } = await seedRisk({ rg: s }, user.id, 'eve', [TRAVEL, LEAKED]);
    ({ token } = await s.riskgate.adminServices.tokens.create('tests', {
      kind: 'user',
      id: admin.userId,
      name: admin.username,
    }));
    targets = { userId: user.id, signInId, tokenId: admin.target! };
  });
  afterEach(() => s?.close());

  const send = (w: ApiWrite, auth: (r: request.Test) => request.Test, body = w.body(targets)) =>
    auth(request(s.url)[w.method](`${API}${w.path(targets)}`)).send(body);

  for (const w of WRITES) {
    it(`${w.name}: refused without a live bearer token (a console session is not enough), acts with one`, async () => {
      const { token: revoked, record } = await s.riskgate.adminServices.tokens.create('old', {
        kind: 'user',
        id: admin.userId,
        name: admin.username,
      });
      await s.riskgate.adminServices.tokens.revoke(record.id);
      const cookie = [...admin.client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const csrf = admin.client.hidden('_csrf')!;
      const refused: [string, (r: request.Test) => request.Test][] = [
        ['no Authorization', (r) => r],
        ['an empty bearer', (r) => r.set('Authorization', 'Bearer ')],
        [
          'another scheme',
          (r) => r.set('Authorization', `Basic ${Buffer.from('root:x').toString('base64')}`),
        ],
        ['a malformed token', (r) => r.set('Authorization', `Bearer ${token.slice(0, -1)}!`)],
        ['an unknown token', (r) => r.set('Authorization', `Bearer ${token.slice(0, -4)}AAAA`)],
        ['a revoked token', (r) => r.set('Authorization', `Bearer ${revoked}`)],
        ['the token in the query, not the header', (r) => r.query({ access_token: token })],
        [
          'the console session cookie with its CSRF token',
          (r) => r.set('Cookie', cookie).set('X-CSRF-Token', csrf).set('X-Forwarded-For', admin.client.ip),
        ],
      ];
      const before = withoutTokenUse(await s.snapshot());
      for (const [how, auth] of refused) {
        const res = await send(w, auth, { ...w.body(targets), _csrf: csrf });
        expect(res.status, how).to.equal(401);
        expect(res.body.error, how).to.include.keys('code', 'message');
        expect(withoutTokenUse(await s.snapshot()), `${how}: the store changed`).to.deep.equal(before);
      }
      const ok = await send(w, (r) => r.set('Authorization', `Bearer ${token}`));
      expect(ok.status, JSON.stringify(ok.body)).to.be.within(200, 201);
      expect(withoutTokenUse(await s.snapshot()), 'the authorized call changed nothing').to.not.deep.equal(
        before,
      );
    });
  }

  it('tokens are stored only as keyed hashes: no table holds a token or its secret part', async () => {
    const created = await request(s.url)
      .post(`${API}/tokens`)
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'hash check' });
    expect(created.status).to.equal(201);
    const stored = JSON.stringify(await s.snapshot());
    for (const t of [token, created.body.token as string]) {
      expect(t).to.match(/^rgat_/);
      expect(stored).to.not.contain(t);
      expect(stored).to.not.contain(t.slice(5));
    }
  });

  const jsonValue = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom('', ' ', 'ab', 'a'.repeat(501), '\u0000x', '../x', "' OR 1=1 --"),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 2 }),
  );

  for (const w of WRITES) {
    it(`${w.name}: fuzzed JSON fields never get a 5xx, and a refused body changes nothing (${CASES} cases, seed ${SEED})`, async () => {
      const fields = Object.keys(w.body(targets));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields, 'extra'), jsonValue, async (field, value) => {
          const before = withoutTokenUse(await s.snapshot());
          const res = await send(w, (r) => r.set('Authorization', `Bearer ${token}`), {
            ...w.body(targets),
            [field]: value,
          });
          expect(res.status, JSON.stringify({ field, value })).to.be.below(500);
          if (res.status >= 400) expect(res.body.error).to.include.keys('code', 'message');
          // A body refused at validation (400) changes nothing. An action the service refuses (already
          // done: 409) is written to the audit log as refused, and changes nothing else.
          const after = withoutTokenUse(await s.snapshot());
          const note = JSON.stringify({
            field,
            value,
            status: res.status,
            changed: changedTables(before, after),
          });
          if (res.status === 400) expect(after, note).to.deep.equal(before);
          else if (res.status > 400) expect(withoutAudit(after), note).to.deep.equal(withoutAudit(before));
        }),
        { seed: SEED, numRuns: CASES, endOnFailure: true },
      );
    });
  }
});
