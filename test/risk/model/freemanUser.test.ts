import { expect } from 'chai';
import type { ModelFeature, ModelFeatures } from '../../../src/risk/model/features.js';
import { DEFAULT_MODEL_CONFIG, scoreSignIn, type ModelConfig } from '../../../src/risk/model/freeman.js';
import { populationStatsFrom, userStatsFrom, type UserStats } from '../../../src/risk/model/stats.js';
import {
  alice,
  IPHONE,
  NEW_DEVICE,
  NOW,
  population,
  POPULATION_COUNTS,
  row,
  US_NETWORK,
  USUAL,
  with_,
} from './world.js';

const score = (changes: Partial<ModelFeatures>, user = alice(), config?: ModelConfig) =>
  scoreSignIn(with_(changes), user, population(), config);
const usual = () => score({});

describe('Freeman familiarity model: the user side', () => {
  describe('the prior p(u | attack) / p(u | legit)', () => {
    const withTotal = (user: UserStats, totalSignIns: number): UserStats => ({ ...user, totalSignIns });

    it('is lower for a user who signs in often and higher for a rare one, by their share of sign-ins', () => {
      const often = score({}, withTotal(alice(), 999));
      const rarely = score({}, withTotal(alice(), 9));
      // (1/U) / ((n + α) / (N + αU)): only n differs, so the gap is log10(1000 / 10).
      expect(rarely.logPrior - often.logPrior).to.be.closeTo(2, 1e-9);
      expect(rarely.logScore - often.logScore).to.be.closeTo(2, 1e-9);
    });

    it('is 1/U over the user share of the population sign-ins', () => {
      const expected = Math.log10(1 / 1000) - Math.log10((30 + 1) / (50_000 + 1000));
      expect(usual().logPrior).to.be.closeTo(expected, 1e-9);
    });
  });

  describe('users still being learned', () => {
    const history = (signIns: number) =>
      userStatsFrom(
        Object.entries(USUAL).map(([feature, value]) => row(feature as ModelFeature, value!, signIns)),
        NOW,
      );
    const stranger = { ...NEW_DEVICE, ...US_NETWORK, ...IPHONE };

    it('a first sign-in (no history at all) gets no level at the defaults', () => {
      const result = score(stranger, userStatsFrom([], NOW));
      expect(DEFAULT_MODEL_CONFIG.minUserSignIns).to.equal(1);
      expect(result.level).to.equal('none');
      expect(result.explanation).to.equal('too little history to compare with (0 sign-ins)');
    });

    it('from the second sign-in on, a sign-in new in every way is scored at the defaults', () => {
      const result = score(stranger, history(1));
      expect(result.level).to.equal('medium');
    });

    it('the same sign-in as the first one is still familiar after one sign-in', () => {
      expect(score({}, history(1)).level).to.equal('none');
    });

    it('below a configured minUserSignIns, even a sign-in that is new in every way gets no level', () => {
      const config = { ...DEFAULT_MODEL_CONFIG, minUserSignIns: 3 };
      const result = score(stranger, history(2), config);
      expect(result.level).to.equal('none');
      expect(result.explanation).to.equal('too little history to compare with (2 sign-ins)');
      expect(score(stranger, history(3), config).level).not.to.equal('none');
    });
  });

  describe('a population still being learned (a new deployment)', () => {
    const stranger = { ...NEW_DEVICE, ...US_NETWORK, ...IPHONE };
    const few = (users: number) =>
      population(POPULATION_COUNTS, { totalSignIns: 50 * users, numberOfUsers: users });

    it('with fewer users than minPopulationUsers even a stranger gets no level, and says why', () => {
      const result = scoreSignIn(with_(stranger), alice(), few(DEFAULT_MODEL_CONFIG.minPopulationUsers - 1));
      expect(result.level).to.equal('none');
      expect(result.learning).to.equal(true);
      expect(result.explanation).to.equal('too few users to compare with yet (24 users)');
    });

    it('from minPopulationUsers users on the same stranger is scored', () => {
      const result = scoreSignIn(with_(stranger), alice(), few(DEFAULT_MODEL_CONFIG.minPopulationUsers));
      expect(result.learning).to.equal(false);
      expect(result.level).to.equal('high');
    });

    it('a one-user population cannot tell the usual sign-in from an attack: the score is near zero', () => {
      // Why the population learning period exists: with a threshold below zero this would be a challenge.
      const rows = Object.entries(USUAL).map(([feature, value]) => row(feature as ModelFeature, value!, 3));
      const counts = Object.fromEntries(Object.entries(USUAL).map(([f, v]) => [`${f}=${v}`, 3]));
      const alone = populationStatsFrom({
        totalSignIns: 3,
        numberOfUsers: 1,
        counts,
        distinct: Object.fromEntries(Object.keys(USUAL).map((f) => [f, 1])),
      });
      const config = { ...DEFAULT_MODEL_CONFIG, minPopulationUsers: 0 };
      const result = scoreSignIn(with_({}), userStatsFrom(rows, NOW), alone, config);
      expect(result.logScore).to.be.within(0, 1);
      expect(result.logScore).to.be.above(DEFAULT_MODEL_CONFIG.thresholds.low);
      expect(scoreSignIn(with_({}), userStatsFrom(rows, NOW), alone).level).to.equal('none');
    });
  });

  it('ageing: a network left more than the window ago counts as new again', () => {
    const rows = [
      row('ip', '10.0.0.1', 20),
      row('network', 'AS3320', 20),
      row('ip', '20.0.0.9', 20, 200),
      row('network', 'AS3209', 20, 200),
      row('country', 'DE', 40),
    ];
    const changes = { ip: '20.0.0.9', network: 'AS3209' };
    const recent = score(changes, userStatsFrom(rows, NOW, { windowDays: 365 }));
    const aged = score(changes, userStatsFrom(rows, NOW));
    expect(recent.contributions.find((c) => c.feature === 'network')!.familiar).to.equal(true);
    expect(aged.contributions.find((c) => c.feature === 'network')!.familiar).to.equal(false);
    expect(aged.logScore - recent.logScore).to.be.above(2);
  });

  it('uses the configured thresholds', () => {
    const strict = { ...DEFAULT_MODEL_CONFIG, thresholds: { low: -6, medium: -5, high: -4 } };
    expect(score({ ip: '10.0.0.99' }, alice(), strict).level).to.equal('medium');
  });

  describe('never NaN or Infinity', () => {
    const empty = populationStatsFrom({ totalSignIns: 0, numberOfUsers: 0, counts: {}, distinct: {} });
    const nothing = userStatsFrom([], NOW);
    const allNull: ModelFeatures = { ...USUAL, ...{ ip: null, network: null, country: null, ua: null } };
    const inconsistent: UserStats = {
      totalSignIns: 5,
      count: () => 9,
      featureTotal: () => 0,
      distinctValues: () => 0,
    };
    const cases = [
      { name: 'an empty population', features: USUAL, user: alice(), population: empty },
      { name: 'a user with no history', features: USUAL, user: nothing, population: population() },
      { name: 'both empty', features: USUAL, user: nothing, population: empty },
      {
        name: 'all values unknown',
        features: { ...allNull, browser: null, os: null, device: null },
        user: nothing,
        population: empty,
      },
      {
        name: 'counts above their totals',
        features: USUAL,
        user: inconsistent,
        population: population({ ...POPULATION_COUNTS, 'ip=10.0.0.1': 1e9 }),
      },
    ];
    for (const c of cases) {
      it(c.name, () => {
        for (const alpha of [1, 1e-9, 0]) {
          const result = scoreSignIn(c.features, c.user, c.population, { ...DEFAULT_MODEL_CONFIG, alpha });
          const numbers = [
            result.score,
            result.logScore,
            result.logPrior,
            ...result.contributions.map((x) => x.ratio),
          ];
          expect(numbers.every(Number.isFinite), `${JSON.stringify(numbers)} at alpha ${alpha}`).to.equal(
            true,
          );
        }
      });
    }
  });
});
