import { expect } from 'chai';
import fc from 'fast-check';
import { startLiveServer, type LiveServer } from './harness.js';
import { JOURNEYS, SERVER_OPTIONS, type Journey } from './journeys.js';
import { STATE_CHANGING_ROUTES, hiddenFieldsFor, legitimateBody, type FormValue } from './routes.js';

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
        let journey: Journey = await JOURNEYS[route.journey](s);
        await fc.assert(
          fc.asyncProperty(formValue, async (value) => {
            let hidden = hiddenFieldsFor(route, journey.client.last.html);
            if (!hidden) {
              journey = await JOURNEYS[route.journey](s); // the last case finished the flow: start again
              hidden = hiddenFieldsFor(route, journey.client.last.html)!;
            }
            const before = await s.snapshot();
            const page = await journey.client.postRaw(
              route.action,
              legitimateBody(route, journey, hidden, { [field.name]: value }),
            );
            expect(page.status, JSON.stringify(value)).to.be.below(500);
            if (!field.mayAct(value, journey, hidden)) {
              expect(await s.snapshot(), `${JSON.stringify(value)} changed the store`).to.deep.equal(before);
            }
            if (!hiddenFieldsFor(route, journey.client.last.html)) await journey.client.get(route.page);
          }),
          { seed: SEED, numRuns: CASES_PER_FIELD, endOnFailure: true },
        );
      });
    }
  }
});
