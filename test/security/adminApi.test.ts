/**
 * The admin JSON API takes no cookies and no CSRF token: a bearer token is the only credential. Every
 * write route (apiRoutes.ts) refuses a missing, malformed, unknown or revoked token, and a signed-in
 * console session (cookie and CSRF token included) without a bearer token, each with a JSON 401 and no
 * change in the store; the same request with a live token acts. Every field of every write route's
 * JSON body is fuzzed (random, boundary, unicode and type-confused values, or left out): no 5xx, and a
 * refused body changes nothing.
 */
import { expect } from 'chai';
import request from 'supertest';
import fc from 'fast-check';
import { startLiveServer, type LiveServer } from './harness.js';
import { JOURNEYS, type Journey } from './journeys.js';
import { ADMIN_TARGETS } from './adminJourneys.js';
import {
  API,
  API_WRITES,
  MISSING,
  ROOT,
  apiContext,
  fieldPaths,
  withField,
  type ApiContext,
  type ApiWrite,
} from './apiRoutes.js';
import type { Snapshot } from './snapshot.js';
import { DEFAULT_POLICIES } from '../../src/policy/schema.js';

const SEED = 20261202;
const CASES = 20;

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
  beforeEach(async () => {
    s = await startLiveServer();
    admin = await JOURNEYS.adminTokens(s); // a console session past the TOTP step-up
    ({ token } = await s.riskgate.adminServices.tokens.create('tests', {
      kind: 'user',
      id: admin.userId,
      name: admin.username,
    }));
  });
  afterEach(() => s?.close());

  const targetFor = async (w: ApiWrite) => (w.target ? ADMIN_TARGETS[w.target](s, admin) : '');
  /** The body as JSON text, whatever it is (an object, or at the root a string, number, array or null). */
  const send = (
    w: ApiWrite,
    c: ApiContext,
    auth: (r: request.Test) => request.Test,
    body: unknown = w.body(c),
  ) => {
    const req = auth(
      request(s.url)[w.method](`${API}${w.path.replace(':target', encodeURIComponent(c.target))}`),
    );
    return body === MISSING ? req : req.set('Content-Type', 'application/json').send(JSON.stringify(body));
  };
  const bearer = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);

  for (const w of API_WRITES) {
    it(`${w.name}: refused without a live bearer token (a console session is not enough), ${w.changesState === false ? 'answers' : 'acts'} with one`, async () => {
      const c = await apiContext(s, await targetFor(w));
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
        const res = await send(w, c, auth, { ...w.body(c), _csrf: csrf });
        expect(res.status, how).to.equal(401);
        expect(res.body.error, how).to.include.keys('code', 'message');
        expect(withoutTokenUse(await s.snapshot()), `${how}: the store changed`).to.deep.equal(before);
      }
      const ok = await send(w, c, bearer);
      expect(ok.status, JSON.stringify(ok.body)).to.be.within(200, 201);
      const after = withoutTokenUse(await s.snapshot());
      if (w.changesState === false) expect(after, 'a preview changed the store').to.deep.equal(before);
      else expect(after, 'the authorized call changed nothing').to.not.deep.equal(before);
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

  const boundaries = [0, 1, 2, 3, 80, 81, 200, 201, 500, 501, 2049].map((n) => 'a'.repeat(n));
  const text = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 10 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom(...boundaries, ' ', '  ab  ', '\u0000x', '\u202eabc', '../x', "' OR 1=1 --", 'all', 'on'),
  );
  const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 4, arbitrary: text },
    { weight: 1, arbitrary: fc.constant(MISSING) },
    fc.integer(),
    fc.constantFrom(-1, 0, 1, 30, 31, 1.5, 1e21, Number.MAX_SAFE_INTEGER + 2),
    fc.boolean(),
    fc.constant(null),
    fc.array(text, { maxLength: 3 }),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.dictionary(fc.string({ maxLength: 5 }), text, { maxKeys: 2 }),
  );

  for (const w of API_WRITES) {
    // The fields of the body as the route takes it (the default policies stand in for those in force).
    const shape = w.body({
      target: 'id',
      current: {
        version: 1,
        policies: DEFAULT_POLICIES,
        changedAt: 0,
        changedBy: { id: '', name: '' },
        reason: '',
      },
    });
    for (const field of [ROOT, ...fieldPaths(shape), 'extra']) {
      it(`${w.name}: ${field} fuzzed never gets a 5xx, and a refused body changes nothing (${CASES} cases, seed ${SEED})`, async () => {
        const target = await targetFor(w);
        await fc.assert(
          fc.asyncProperty(jsonValue, async (value) => {
            const c = await apiContext(s, target);
            const before = withoutTokenUse(await s.snapshot());
            const res = await send(w, c, bearer, withField(w.body(c), field, value));
            const note = () =>
              JSON.stringify({
                field,
                value: value === MISSING ? '(missing)' : value,
                status: res.status,
                changed: changedTables(before, after),
              });
            let after = before;
            expect(res.status, note()).to.be.below(500);
            if (res.status >= 400) expect(res.body.error).to.include.keys('code', 'message');
            // A body refused at validation (400) changes nothing. An action the service refuses (already
            // done, a version conflict: 409) is written to the audit log as refused, and changes nothing else.
            after = withoutTokenUse(await s.snapshot());
            if (res.status === 400) expect(after, note()).to.deep.equal(before);
            else if (res.status > 400)
              expect(withoutAudit(after), note()).to.deep.equal(withoutAudit(before));
            else if (w.changesState === false) expect(after, note()).to.deep.equal(before);
          }),
          { seed: SEED, numRuns: CASES, endOnFailure: true },
        );
      });
    }
  }
});
