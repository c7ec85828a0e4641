import { expect } from 'chai';
import type { GeoLocation } from '../../../src/domain/signIn.js';
import {
  distanceKm,
  impossibleTravel,
  leastDistanceKm,
} from '../../../src/risk/detectors/impossibleTravel.js';
import { context, HOUR, input, past, PLACES, T0 } from '../fixtures.js';

interface Case {
  name: string;
  from: GeoLocation;
  to: GeoLocation;
  hoursLater: number;
  expected: 'none' | 'medium' | 'high';
}

const cases: Case[] = [
  {
    name: 'sign-in from Sydney an hour after Berlin is impossible travel (high)',
    from: PLACES.berlin,
    to: PLACES.sydney,
    hoursLater: 1,
    expected: 'high',
  },
  {
    name: 'Berlin to Sydney in 12 hours is faster than an airliner (medium)',
    from: PLACES.berlin,
    to: PLACES.sydney,
    hoursLater: 12,
    expected: 'medium',
  },
  {
    name: 'Berlin to Sydney in a day is plausible by air',
    from: PLACES.berlin,
    to: PLACES.sydney,
    hoursLater: 24,
    expected: 'none',
  },
  {
    name: 'Berlin to New York within the same minute is high',
    from: PLACES.berlin,
    to: PLACES.newYork,
    hoursLater: 0.01,
    expected: 'high',
  },
  {
    name: 'Berlin to New York at the same instant is high (no time elapsed)',
    from: PLACES.berlin,
    to: PLACES.newYork,
    hoursLater: 0,
    expected: 'high',
  },
  {
    name: 'Berlin to Paris in 30 minutes is impossible (medium)',
    from: PLACES.berlin,
    to: PLACES.paris,
    hoursLater: 0.5,
    expected: 'medium',
  },
  {
    name: 'Berlin to Munich in a day is not',
    from: PLACES.berlin,
    to: PLACES.munich,
    hoursLater: 24,
    expected: 'none',
  },
  {
    name: 'Berlin to Munich in an hour is a fast but possible flight',
    from: PLACES.berlin,
    to: PLACES.munich,
    hoursLater: 1,
    expected: 'none',
  },
  {
    name: 'Munich to Salzburg in a minute is under the distance floor (geo-IP noise)',
    from: PLACES.munich,
    to: PLACES.salzburg,
    hoursLater: 1 / 60,
    expected: 'none',
  },
  {
    name: 'Berlin to Potsdam at once is too close to matter',
    from: PLACES.berlin,
    to: PLACES.potsdam,
    hoursLater: 0,
    expected: 'none',
  },
  {
    name: 'London to Paris at once is under the 500 km floor',
    from: PLACES.london,
    to: PLACES.paris,
    hoursLater: 0,
    expected: 'none',
  },
  {
    name: 'Berlin to New York in 6 hours is faster than an airliner when both points are exact',
    from: PLACES.berlin,
    to: PLACES.newYork,
    hoursLater: 6,
    expected: 'medium',
  },
  {
    name: 'Berlin to New York in 6 hours is possible once both 500 km accuracy radii come off',
    from: { ...PLACES.berlin, accuracyKm: 500 },
    to: { ...PLACES.newYork, accuracyKm: 500 },
    hoursLater: 6,
    expected: 'none',
  },
  {
    name: 'one radius alone (1000 km around New York) also makes the trip possible',
    from: PLACES.berlin,
    to: { ...PLACES.newYork, accuracyKm: 1000 },
    hoursLater: 6,
    expected: 'none',
  },
  {
    name: 'small radii (20 km each) barely change a clear case: Berlin to Sydney in 12 hours',
    from: { ...PLACES.berlin, accuracyKm: 20 },
    to: { ...PLACES.sydney, accuracyKm: 20 },
    hoursLater: 12,
    expected: 'medium',
  },
  {
    name: 'Berlin to Paris in 30 minutes is within the floor once 200 km radii come off',
    from: { ...PLACES.berlin, accuracyKm: 200 },
    to: { ...PLACES.paris, accuracyKm: 200 },
    hoursLater: 0.5,
    expected: 'none',
  },
  {
    name: 'radii larger than the distance leave no distance at all (no detection)',
    from: { ...PLACES.berlin, accuracyKm: 5000 },
    to: { ...PLACES.sydney, accuracyKm: 12_000 },
    hoursLater: 0,
    expected: 'none',
  },
  {
    name: 'a null, negative or non-finite radius counts as an exact point',
    from: { ...PLACES.berlin, accuracyKm: -500 },
    to: { ...PLACES.newYork, accuracyKm: Number.NaN },
    hoursLater: 6,
    expected: 'medium',
  },
  {
    name: 'an unknown (null) radius counts as an exact point',
    from: { ...PLACES.berlin, accuracyKm: null },
    to: PLACES.newYork,
    hoursLater: 6,
    expected: 'medium',
  },
  {
    name: 'no coordinates for the new sign-in: nothing to measure',
    from: PLACES.berlin,
    to: PLACES.unknown,
    hoursLater: 0,
    expected: 'none',
  },
  {
    name: 'a country without coordinates is skipped',
    from: PLACES.berlin,
    to: PLACES.countryOnly,
    hoursLater: 0,
    expected: 'none',
  },
  {
    name: 'no coordinates for the last sign-in: nothing to measure',
    from: PLACES.unknown,
    to: PLACES.sydney,
    hoursLater: 0,
    expected: 'none',
  },
];

describe('impossibleTravel detector', () => {
  for (const c of cases) {
    it(c.name, () => {
      const drafts = impossibleTravel.detect(
        input({
          context: context(c.to, T0 + c.hoursLater * HOUR),
          history: { lastSuccess: past(c.from, T0), familiar: [] },
        }),
      );
      expect(drafts.map((d) => d.level)).to.deep.equal(c.expected === 'none' ? [] : [c.expected]);
    });
  }

  it('is quiet on a first sign-in (no last success)', () => {
    expect(impossibleTravel.detect(input({ context: context(PLACES.sydney) }))).to.deep.equal([]);
  });

  it('treats a last sign-in later than this one (clock skew) as no time elapsed', () => {
    const drafts = impossibleTravel.detect(
      input({
        context: context(PLACES.sydney, T0),
        history: { lastSuccess: past(PLACES.berlin, T0 + HOUR), familiar: [] },
      }),
    );
    expect(drafts[0]?.level).to.equal('high');
  });

  it('reports distance, time, speed and both places as evidence, scoped to the sign-in', () => {
    const [draft] = impossibleTravel.detect(
      input({
        context: context(PLACES.sydney, T0 + 2 * HOUR),
        history: { lastSuccess: past(PLACES.berlin, T0), familiar: [] },
      }),
    );
    expect(draft).to.include({
      type: 'impossibleTravel',
      timing: 'realtime',
      scope: 'signIn',
      level: 'high',
    });
    expect(draft!.evidence).to.deep.include({
      hours: 2,
      from: { city: 'Berlin', country: 'DE' },
      to: { city: 'Sydney', country: 'AU' },
    });
    expect(draft!.evidence!.distanceKm).to.be.within(16_000, 16_200);
    expect(draft!.evidence!.speedKmh).to.be.within(8_000, 8_100);
    expect(draft!.reason).to.match(/Sydney, Australia .* Berlin, Germany/);
  });

  it('stores a null speed (not Infinity, which JSON cannot hold) when no time elapsed', () => {
    const [draft] = impossibleTravel.detect(
      input({
        context: context(PLACES.newYork, T0),
        history: { lastSuccess: past(PLACES.berlin, T0), familiar: [] },
      }),
    );
    expect(draft!.evidence!.speedKmh).to.equal(null);
    expect(JSON.parse(JSON.stringify(draft!.evidence)).speedKmh).to.equal(null);
  });

  it("reports the least distance, the centres' distance and both radii when radii are known", () => {
    const [draft] = impossibleTravel.detect(
      input({
        context: context({ ...PLACES.sydney, accuracyKm: 100 }, T0 + 2 * HOUR),
        history: { lastSuccess: past({ ...PLACES.berlin, accuracyKm: 50 }, T0), familiar: [] },
      }),
    );
    const evidence = draft!.evidence as { distanceKm: number; centresKm: number; accuracyKm: number[] };
    expect(evidence.accuracyKm).to.deep.equal([50, 100]);
    expect(evidence.centresKm - evidence.distanceKm).to.be.within(149, 151);
  });

  it('follows the configured thresholds', () => {
    const config = {
      impossibleTravel: { minSpeedKmh: 100, minDistanceKm: 100 },
      newCountry: { level: 'low' as const },
    };
    const drafts = impossibleTravel.detect(
      input({
        context: context(PLACES.munich, T0 + 2 * HOUR),
        history: { lastSuccess: past(PLACES.berlin, T0), familiar: [] },
        config,
      }),
    );
    expect(drafts.map((d) => d.level)).to.deep.equal(['medium']);
  });

  it('takes both radii off the least distance, never below zero', () => {
    const centres = distanceKm(PLACES.berlin, PLACES.paris);
    const least = leastDistanceKm({ ...PLACES.berlin, accuracyKm: 100 }, { ...PLACES.paris, accuracyKm: 50 });
    expect(centres - least).to.be.closeTo(150, 1e-9);
    expect(leastDistanceKm({ ...PLACES.berlin, accuracyKm: 1000 }, PLACES.paris)).to.equal(0);
  });

  it('measures great-circle distances (Berlin-Munich ~504 km, Berlin-Sydney ~16,000 km)', () => {
    expect(distanceKm(PLACES.berlin, PLACES.munich)).to.be.within(495, 510);
    expect(distanceKm(PLACES.berlin, PLACES.sydney)).to.be.within(16_000, 16_200);
    expect(distanceKm(PLACES.berlin, PLACES.berlin)).to.equal(0);
  });
});
