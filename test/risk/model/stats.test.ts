import { expect } from 'chai';
import { populationStatsFrom, userStatsFrom } from '../../../src/risk/model/stats.js';
import type { FamiliarFeature } from '../../../src/storage/types.js';
import { ALICE_ROWS, NOW, row } from './world.js';

describe('userStatsFrom', () => {
  it('counts each value, the total per feature and how many distinct values the user has', () => {
    const user = userStatsFrom(ALICE_ROWS, NOW);
    expect(user.totalSignIns).to.equal(30);
    expect(user.count('network', 'AS3320')).to.equal(20);
    expect(user.count('network', 'AS3209')).to.equal(0);
    expect(user.featureTotal('ip')).to.equal(30);
    expect(user.distinctValues('ip')).to.equal(4);
    expect(user.distinctValues('device')).to.equal(1);
  });

  const ageing: { name: string; lastSeenDaysAgo: number; windowDays?: number; kept: boolean }[] = [
    { name: 'keeps a value used inside the default 180-day window', lastSeenDaysAgo: 179, kept: true },
    { name: 'drops a value last used longer ago than the window', lastSeenDaysAgo: 181, kept: false },
    { name: 'uses the configured window', lastSeenDaysAgo: 40, windowDays: 30, kept: false },
  ];
  for (const c of ageing) {
    it(c.name, () => {
      const rows = [row('network', 'OLD', 5, c.lastSeenDaysAgo), row('network', 'NEW', 3)];
      const user = userStatsFrom(rows, NOW, c.windowDays === undefined ? {} : { windowDays: c.windowDays });
      expect(user.count('network', 'OLD')).to.equal(c.kept ? 5 : 0);
      expect(user.featureTotal('network')).to.equal(c.kept ? 8 : 3);
      expect(user.distinctValues('network')).to.equal(c.kept ? 2 : 1);
    });
  }

  it('caps each feature to its most recently used values, not its most frequent', () => {
    const rows = [
      row('ip', 'stale-but-frequent', 90, 30),
      row('ip', 'recent-1', 1, 1),
      row('ip', 'recent-2', 1, 2),
      row('country', 'DE', 92, 1),
    ];
    const user = userStatsFrom(rows, NOW, { capPerFeature: 2 });
    expect(user.count('ip', 'stale-but-frequent')).to.equal(0);
    expect(user.count('ip', 'recent-1')).to.equal(1);
    expect(user.count('ip', 'recent-2')).to.equal(1);
    expect(user.distinctValues('ip')).to.equal(2);
    // The cap is per feature: the country keeps its count and still carries the sign-in total.
    expect(user.count('country', 'DE')).to.equal(92);
    expect(user.totalSignIns).to.equal(92);
  });

  it('caps at 50 values per feature by default', () => {
    const rows = Array.from({ length: 60 }, (_, i) => row('ip', `10.0.0.${i}`, 1, 1 + i / 100));
    const user = userStatsFrom(rows, NOW);
    expect(user.distinctValues('ip')).to.equal(50);
    expect(user.count('ip', '10.0.0.0')).to.equal(1);
    expect(user.count('ip', '10.0.0.59')).to.equal(0);
  });

  it('ignores features the model does not score and rows with no count', () => {
    const rows: FamiliarFeature[] = [row('city', 'DE/Berlin', 9), row('country', 'DE', 0)];
    const user = userStatsFrom(rows, NOW);
    expect(user.totalSignIns).to.equal(0);
    expect(user.distinctValues('country')).to.equal(0);
  });

  it('an empty history is all zeros', () => {
    const user = userStatsFrom([], NOW);
    expect([
      user.totalSignIns,
      user.count('ip', 'x'),
      user.featureTotal('ip'),
      user.distinctValues('ip'),
    ]).to.deep.equal([0, 0, 0, 0]);
  });
});

describe('populationStatsFrom', () => {
  it('reads counts keyed feature=value and distinct counts keyed by feature, as the store answers', () => {
    const population = populationStatsFrom({
      totalSignIns: 3,
      numberOfUsers: 2,
      counts: { 'country=GB': 2, 'browser=Chrome 120': 2 },
      distinct: { country: 2, browser: 2 },
    });
    expect(population.count('country', 'GB')).to.equal(2);
    expect(population.count('browser', 'Chrome 120')).to.equal(2);
    expect(population.count('country', 'JP')).to.equal(0);
    expect(population.distinctValues('country')).to.equal(2);
    expect(population.distinctValues('device')).to.equal(0);
    expect([population.totalSignIns, population.numberOfUsers]).to.deep.equal([3, 2]);
  });

  it('reads corrupt entries (negative, NaN) as zero so scores stay finite', () => {
    const population = populationStatsFrom({
      totalSignIns: Number.NaN,
      numberOfUsers: -1,
      counts: { 'country=GB': -5 },
      distinct: { country: Number.POSITIVE_INFINITY },
    });
    expect([population.totalSignIns, population.numberOfUsers]).to.deep.equal([0, 0]);
    expect(population.count('country', 'GB')).to.equal(0);
    expect(population.distinctValues('country')).to.equal(0);
  });
});
