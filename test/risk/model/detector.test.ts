import { expect } from 'chai';
import { unfamiliarFeaturesDraft } from '../../../src/risk/model/detector.js';
import type { ModelFeatures } from '../../../src/risk/model/features.js';
import { scoreSignIn } from '../../../src/risk/model/freeman.js';
import { alice, FIREFOX, NEW_DEVICE, OTHER_GERMAN_NETWORK, population, US_NETWORK, with_ } from './world.js';

const draftFor = (changes: Partial<ModelFeatures>) =>
  unfamiliarFeaturesDraft(scoreSignIn(with_(changes), alice(), population()));

describe('unfamiliarFeaturesDraft', () => {
  it('a sign-in the model finds familiar gives no detection', () => {
    expect(draftFor({})).to.equal(null);
  });

  const levels: { name: string; changes: Partial<ModelFeatures>; level: string }[] = [
    { name: 'low', changes: US_NETWORK, level: 'low' },
    { name: 'medium', changes: { ...NEW_DEVICE, ...OTHER_GERMAN_NETWORK }, level: 'medium' },
    { name: 'high', changes: { ...NEW_DEVICE, ...US_NETWORK, ...FIREFOX }, level: 'high' },
  ];
  for (const c of levels) {
    it(`a ${c.name} score gives a ${c.level}, real-time, sign-in scoped unfamiliarFeatures detection`, () => {
      expect(draftFor(c.changes)).to.include({
        type: 'unfamiliarFeatures',
        level: c.level,
        timing: 'realtime',
        scope: 'signIn',
      });
    });
  }

  it('gives the explanation as the reason and the contributions as evidence', () => {
    const draft = draftFor({ ...NEW_DEVICE, ...OTHER_GERMAN_NETWORK })!;
    expect(draft.reason).to.equal(
      'Unfamiliar sign-in properties: new network, new device, known country, known browser',
    );
    const evidence = draft.evidence as {
      logScore: number;
      contributions: { feature: string; value: unknown }[];
    };
    expect(evidence.logScore).to.be.a('number');
    expect(evidence.contributions.map((c) => c.feature)).to.include.members([
      'ip',
      'network',
      'ua',
      'device',
    ]);
    expect(evidence.contributions.find((c) => c.feature === 'ip')!.value).to.equal('20.0.0.9');
  });

  it('never shows the device cookie id, which would let its reader pass for a familiar device', () => {
    const draft = draftFor({ ...NEW_DEVICE, ...OTHER_GERMAN_NETWORK })!;
    expect(JSON.stringify(draft)).not.to.contain('fresh-cookie');
  });
});
