import { expect } from 'chai';
import type { GeoLocation } from '../../../src/domain/signIn.js';
import { newCountry } from '../../../src/risk/detectors/newCountry.js';
import type { FamiliarFeature } from '../../../src/storage/types.js';
import { context, familiar, input, PLACES } from '../fixtures.js';

interface Case {
  name: string;
  geo: GeoLocation;
  familiar: FamiliarFeature[];
  expected: string[]; // reasons
}

const cases: Case[] = [
  {
    name: 'first sign-in from Germany for a user known in France is flagged',
    geo: PLACES.berlin,
    familiar: familiar('country', 'FR'),
    expected: ['First sign-in from Germany'],
  },
  {
    name: 'a sign-in from a familiar country is not',
    geo: PLACES.munich,
    familiar: familiar('country', 'FR', 'DE'),
    expected: [],
  },
  {
    name: "the user's first ever sign-in has nothing to compare with",
    geo: PLACES.sydney,
    familiar: [],
    expected: [],
  },
  {
    name: 'other familiar features do not count as a known country',
    geo: PLACES.sydney,
    familiar: familiar('city', 'DE/Berlin'),
    expected: [],
  },
  {
    name: 'an unknown location (private IP, geo off) is not a new country',
    geo: PLACES.unknown,
    familiar: familiar('country', 'FR'),
    expected: [],
  },
  {
    name: 'a country without a city still counts',
    geo: PLACES.countryOnly,
    familiar: familiar('country', 'DE'),
    expected: ['First sign-in from United States'],
  },
];

describe('newCountry detector', () => {
  for (const c of cases) {
    it(c.name, () => {
      const drafts = newCountry.detect(
        input({ context: context(c.geo), history: { lastSuccess: null, familiar: c.familiar } }),
      );
      expect(drafts.map((d) => d.reason)).to.deep.equal(c.expected);
    });
  }

  it('is a low, real-time, sign-in scoped detection with the place as evidence', () => {
    const [draft] = newCountry.detect(
      input({
        context: context(PLACES.berlin),
        history: { lastSuccess: null, familiar: familiar('country', 'FR') },
      }),
    );
    expect(draft).to.include({ type: 'newCountry', level: 'low', timing: 'realtime', scope: 'signIn' });
    expect(draft!.evidence).to.deep.include({ country: 'DE', city: 'Berlin' });
  });

  it('uses the configured level', () => {
    const config = {
      impossibleTravel: { minSpeedKmh: 900, minDistanceKm: 500 },
      newCountry: { level: 'medium' as const },
    };
    const drafts = newCountry.detect(
      input({
        context: context(PLACES.berlin),
        history: { lastSuccess: null, familiar: familiar('country', 'FR') },
        config,
      }),
    );
    expect(drafts[0]?.level).to.equal('medium');
  });
});
