import { expect } from 'chai';
import type { ModelFeatures } from '../../../src/risk/model/features.js';
import { DEFAULT_MODEL_CONFIG, scoreSignIn, type ModelConfig } from '../../../src/risk/model/freeman.js';
import { populationStatsFrom, userStatsFrom } from '../../../src/risk/model/stats.js';
import {
  alice,
  FIREFOX,
  IPHONE,
  NEW_DEVICE,
  NOW,
  OTHER_GERMAN_NETWORK,
  population,
  row,
  US_NETWORK,
  with_,
} from './world.js';

const score = (changes: Partial<ModelFeatures>, user = alice(), config?: ModelConfig) =>
  scoreSignIn(with_(changes), user, population(), config);
const usual = () => score({});

describe('Freeman familiarity model', () => {
  describe('default thresholds on a settled user (the synthetic check behind DEFAULT_MODEL_CONFIG)', () => {
    const cases: {
      name: string;
      changes: Partial<ModelFeatures>;
      level: string;
      min: number;
      max: number;
    }[] = [
      { name: 'her usual sign-in', changes: {}, level: 'none', min: -9, max: -6 },
      { name: 'a new IP in her home network', changes: { ip: '10.0.0.99' }, level: 'none', min: -6, max: -3 },
      {
        name: 'a browser update on her laptop',
        changes: { ua: 'UA-Chrome-121-Win', browser: 'Chrome 121' },
        level: 'none',
        min: -6,
        max: -3,
      },
      // Low: MFA at the default policy, as the newCountry detection also asks on a first trip.
      { name: 'travelling abroad with her laptop', changes: US_NETWORK, level: 'low', min: -1.5, max: 0 },
      {
        name: 'a new device and a new network in her country, same browser',
        changes: { ...NEW_DEVICE, ...OTHER_GERMAN_NETWORK },
        level: 'medium',
        min: 1,
        max: 2,
      },
      { name: 'a new phone at home', changes: { ...NEW_DEVICE, ...IPHONE }, level: 'medium', min: 2, max: 3 },
      {
        name: 'a new device, network and browser in her country',
        changes: { ...NEW_DEVICE, ...OTHER_GERMAN_NETWORK, ...FIREFOX },
        level: 'high',
        min: 4,
        max: 5,
      },
      {
        name: 'a new device, country and browser family',
        changes: { ...NEW_DEVICE, ...US_NETWORK, ...FIREFOX },
        level: 'high',
        min: 5.5,
        max: 7,
      },
      {
        name: 'an unknown phone abroad',
        changes: { ...NEW_DEVICE, ...US_NETWORK, ...IPHONE },
        level: 'high',
        min: 8,
        max: 10,
      },
    ];
    for (const c of cases) {
      it(`${c.name}: ${c.level}`, () => {
        const result = score(c.changes);
        expect(result.level).to.equal(c.level);
        expect(result.logScore).to.be.within(c.min, c.max);
      });
    }
  });

  it('a familiar sign-in scores none, far below the low threshold', () => {
    const result = usual();
    expect(result.level).to.equal('none');
    expect(result.logScore).to.be.below(DEFAULT_MODEL_CONFIG.thresholds.low - 5);
    expect(result.contributions.every((c) => c.familiar)).to.equal(true);
  });

  describe('each unfamiliar level raises the score, a coarser one more than a finer one', () => {
    // A new level comes with new values below it, as in life: a new network means a new IP too.
    const ladders: { name: string; steps: Partial<ModelFeatures>[] }[] = [
      {
        name: 'IP, network, country',
        steps: [{ ip: '10.0.0.99' }, { ip: '20.0.0.9', network: 'AS3209' }, US_NETWORK],
      },
      {
        name: 'user agent, browser, operating system, device type',
        steps: [
          { ua: 'UA-Chrome-120-Win-variant' },
          { ua: 'UA-Firefox-128-Win', browser: 'Firefox 128' },
          { ua: 'UA-Firefox-128-Linux', browser: 'Firefox 128', os: 'Linux' },
          IPHONE,
        ],
      },
      { name: 'device', steps: [NEW_DEVICE] },
    ];
    for (const ladder of ladders) {
      it(ladder.name, () => {
        let previous = usual().logScore;
        for (const step of ladder.steps) {
          const result = score(step);
          expect(result.logScore, JSON.stringify(step)).to.be.above(previous);
          previous = result.logScore;
        }
      });
    }
  });

  it('an unseen IP backs off to its network: in a familiar network it weighs far less than in a new one', () => {
    const inHomeNetwork = score({ ip: '20.0.0.9' }).logScore; // an IP others use, but in her home network
    const inNewNetwork = score({ ip: '20.0.0.9', network: 'AS3209' }).logScore;
    expect(inNewNetwork - inHomeNetwork).to.be.above(1);
  });

  it('a value nobody has ever used still gets a finite probability, like any value new to the user', () => {
    const nobodys = score({ ip: '99.9.9.9', network: 'AS-NOBODY' });
    const others = score({ ip: '20.0.0.9', network: 'AS3209' });
    expect(Number.isFinite(nobodys.logScore)).to.equal(true);
    expect(nobodys.logScore).to.be.closeTo(others.logScore, 0.05);
  });

  describe('popularity in the population', () => {
    it('a familiar value few others use is stronger evidence of the user than a familiar popular one', () => {
      // Bob uses a popular and a rare network equally; a new IP in each backs off to the network.
      const bob = userStatsFrom(
        [
          row('ip', '1.1.1.1', 5),
          row('ip', '2.2.2.2', 5),
          row('network', 'AS3320', 5),
          row('network', 'AS-RARE', 5),
          row('country', 'DE', 10),
        ],
        NOW,
      );
      const popular = score({ ip: '1.1.1.9', network: 'AS3320' }, bob).logScore;
      const rare = score({ ip: '2.2.2.9', network: 'AS-RARE' }, bob).logScore;
      expect(popular - rare).to.be.above(2);
    });

    it('for a value the user never used, popularity cancels: the attacker is assumed to look like everyone', () => {
      const popular = score({ ...NEW_DEVICE, ip: '20.0.0.8', network: 'AS3209' }).logScore; // 4000 sign-ins
      const rare = score({ ...NEW_DEVICE, ip: '40.0.0.1', network: 'AS-RARE' }).logScore; // 2 sign-ins
      expect(popular).to.be.closeTo(rare, 0.05);
    });
  });

  describe('where every user shares one office IP and one managed browser', () => {
    // 200 users, each with one sign-in so far, all from the same IP and user agent.
    const office = populationStatsFrom({
      totalSignIns: 200,
      numberOfUsers: 200,
      counts: {
        'ip=10.1.0.1': 200,
        'network=AS-ACME': 200,
        'country=DE': 200,
        'ua=UA-Chrome-120-Win': 200,
        'browser=Chrome 120': 200,
        'os=Windows 10': 200,
        'deviceType=desktop': 200,
        'device=bob-laptop': 1,
      },
      distinct: { ip: 1, network: 1, country: 1, ua: 1, browser: 1, os: 1, deviceType: 1, device: 200 },
    });
    const bob = userStatsFrom(
      [
        row('ip', '10.1.0.1', 1),
        row('network', 'AS-ACME', 1),
        row('country', 'DE', 1),
        row('ua', 'UA-Chrome-120-Win', 1),
        row('browser', 'Chrome 120', 1),
        row('os', 'Windows 10', 1),
        row('deviceType', 'desktop', 1),
        row('device', 'bob-laptop', 1),
      ],
      NOW,
    );
    const atOffice = { ip: '10.1.0.1', network: 'AS-ACME', country: 'DE', device: 'bob-laptop' };

    it('a sign-in exactly like the last one is familiar, although its score is above the low threshold', () => {
      const result = scoreSignIn(with_(atOffice), bob, office);
      expect(result.logScore).to.be.above(DEFAULT_MODEL_CONFIG.thresholds.low);
      expect(result.level).to.equal('none');
      expect(result.contributions.filter((c) => c.scored).every((c) => c.familiar)).to.equal(true);
    });

    it('the same sign-in without the device cookie is scored: the new device is news', () => {
      const result = scoreSignIn(with_({ ...atOffice, device: null }), bob, office);
      expect(result.level).to.not.equal('none');
    });
  });

  it('a missing device cookie scores like a device the user never used', () => {
    const noCookie = score({ device: null });
    expect(noCookie.logScore).to.be.closeTo(score(NEW_DEVICE).logScore, 1e-9);
    expect(noCookie.contributions.find((c) => c.feature === 'device')).to.include({ familiar: false });
  });

  it('a user who never had a device cookie is not penalised for having none now', () => {
    const rows = [row('ip', '10.0.0.1', 10), row('network', 'AS3320', 10), row('country', 'DE', 10)];
    const device = score({ device: null }, userStatsFrom(rows, NOW)).contributions.find(
      (c) => c.feature === 'device',
    );
    expect(device!.ratio).to.be.closeTo(1, 1e-9);
  });

  it('multiplies the finest known level of each hierarchy and reports every level', () => {
    const result = score({ ...NEW_DEVICE, ...OTHER_GERMAN_NETWORK });
    const scored = result.contributions.filter((c) => c.scored).map((c) => c.feature);
    expect(scored).to.deep.equal(['ip', 'ua', 'device']);
    expect(result.contributions).to.have.length(8);
    const product = result.contributions
      .filter((c) => c.scored)
      .reduce((sum, c) => sum + Math.log10(c.ratio), 0);
    expect(result.logScore).to.be.closeTo(product + result.logPrior, 1e-9);
  });

  it('an unknown finest level hands scoring to the next known one', () => {
    const result = score({ ...FIREFOX, ua: null });
    expect(result.contributions.filter((c) => c.scored).map((c) => c.feature)).to.deep.equal([
      'ip',
      'browser',
      'device',
    ]);
  });
});
