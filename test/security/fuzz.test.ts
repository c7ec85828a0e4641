import { expect } from 'chai';
import request from 'supertest';
import fc from 'fast-check';
import { startLiveServer, type LiveServer } from './harness.js';
import { SERVER_OPTIONS, startJourney, type Journey } from './journeys.js';
import { STATE_CHANGING_ROUTES, at, hiddenFieldsFor, legitimateBody, type FormValue } from './routes.js';

/** Fixed seed and case count: the same inputs every run, so a failure reproduces. */
const SEED = 20261202;
const CASES_PER_FIELD = 20;

const boundaries = [0, 1, 6, 20, 21, 253, 254, 255, 1024, 1025, 2048, 2049].map((n) => 'a'.repeat(n));
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom(
    ...boundaries,
    ' ',
    '\u0000',
    '\ufffd',
    '\u202e',
    '0',
    '-1',
    'NaN',
    'true',
    'null',
    '[]',
    '{}',
    '١٢٣٤٥٦',
    '１２３４５６',
  ),
);
const formValue: fc.Arbitrary<FormValue> = fc.oneof(
  { weight: 6, arbitrary: text.map((value) => ({ kind: 'text' as const, value })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'missing' as const }) },
  {
    weight: 1,
    arbitrary: fc
      .array(text, { minLength: 2, maxLength: 3 })
      .map((values) => ({ kind: 'repeated' as const, values })),
  },
  {
    weight: 2,
    arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => ({
      kind: 'raw' as const,
      encoded: [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join(''),
    })),
  },
);

/**
 * Every field of every state-changing route, one field at a time, the others as a person would send
 * them. Never a 5xx; a value the field's oracle says cannot pass validation changes nothing in the store.
 */
describe('security: fuzzing every form field', function () {
  this.timeout(300_000);
  let s: LiveServer;
  afterEach(() => s?.close());

  for (const route of STATE_CHANGING_ROUTES) {
    for (const field of route.inputs) {
      it(`${route.name}: ${field.name} (${CASES_PER_FIELD} cases, seed ${SEED})`, async () => {
        s = await startLiveServer({
          ...SERVER_OPTIONS[route.server],
          throttle: { windowSeconds: 900, maxPerIp: 100_000, maxPerUsername: 100_000 },
        });
        let journey: Journey = await startJourney(route.journey, s);
        await fc.assert(
          fc.asyncProperty(formValue, async (value) => {
            let hidden = hiddenFieldsFor(route, journey.client.last.html, journey);
            if (!hidden) {
              journey = await startJourney(route.journey, s); // the last case finished the flow: start again
              hidden = hiddenFieldsFor(route, journey.client.last.html, journey)!;
            }
            const before = await s.snapshot();
            const page = await journey.client.postRaw(
              at(route.action, journey),
              legitimateBody(route, journey, hidden, { [field.name]: value }),
            );
            expect(page.status, JSON.stringify(value)).to.be.below(500);
            if (!field.mayAct(value, journey, hidden)) {
              expect(await s.snapshot(), `${JSON.stringify(value)} changed the store`).to.deep.equal(before);
            }
            if (!hiddenFieldsFor(route, journey.client.last.html, journey))
              await journey.client.get(at(route.page, journey));
          }),
          { seed: SEED, numRuns: CASES_PER_FIELD, endOnFailure: true },
        );
      });
    }
  }
});

/**
 * The answers that are not pages: the 401 JSON a protected route gives API clients, the probes and
 * /metrics. Random Accept headers, query strings and Authorization values never get a 5xx, never echo
 * the input, and JSON errors always carry a code and a message.
 */
describe('security: fuzzing the JSON answers and the operations endpoints', function () {
  this.timeout(120_000);
  let s: LiveServer;
  beforeEach(async () => {
    s = await startLiveServer({ metricsToken: 'a-long-metrics-token-123' });
  });
  afterEach(() => s.close());

  // Only what an HTTP client can send in a header: visible ASCII, spaces and tabs.
  const header = fc
    .string({ unit: 'binary-ascii', maxLength: 60 })
    .map((v) => v.replace(/[^\t\x20-\x7e]/g, ''));
  const accept = fc.oneof(
    fc.constantFrom('application/json', 'text/html', '*/*', 'application/json;q=0.9, text/html;q=0.1'),
    header,
  );
  const query = fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), { maxKeys: 3 });

  it(`protected route, /healthz, /readyz and /metrics (${CASES_PER_FIELD * 2} cases, seed ${SEED})`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/', '/healthz', '/readyz', '/metrics'),
        accept,
        header,
        query,
        async (path, accept, authorization, params) => {
          const res = await request(s.url)
            .get(path)
            .query(params)
            .set('Accept', accept || '*/*')
            .set('Authorization', authorization);
          expect(res.status, `${path} ${accept}`).to.be.below(500);
          if (path === '/metrics') expect(res.status).to.equal(404); // never without the right token
          if (res.type === 'application/json' && res.status >= 400) {
            expect(res.body.error).to.include.keys('code', 'message');
          }
          for (const value of [...Object.values(params), authorization].filter((v) => v.length > 3))
            expect(res.text, value).to.not.contain(value);
        },
      ),
      { seed: SEED, numRuns: CASES_PER_FIELD * 2, endOnFailure: true },
    );
  });
});
