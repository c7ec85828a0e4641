import { expect } from 'chai';
import type { DetectionDraft } from '../../src/domain/risk.js';
import { describeSignInRisk } from '../../src/risk/explain.js';
import { impossibleTravel } from '../../src/risk/detectors/impossibleTravel.js';
import { newCountry } from '../../src/risk/detectors/newCountry.js';
import { leakedCredentials } from '../../src/risk/detectors/leakedCredentials.js';
import { context, familiar, HOUR, input, past, PLACES, T0 } from './fixtures.js';

describe('describeSignInRisk', () => {
  const travel = impossibleTravel.detect(
    input({
      context: context(PLACES.berlin, T0 + HOUR),
      history: { lastSuccess: past(PLACES.sydney, T0), familiar: [] },
    }),
  );
  const country = newCountry.detect(
    input({
      context: context(PLACES.berlin),
      history: { lastSuccess: null, familiar: familiar('country', 'AU') },
    }),
  );
  const leaked = leakedCredentials.detect(
    input({ context: context(PLACES.berlin), credential: { breached: true } }),
  );

  it('names a new location in words the user can check', () => {
    expect(describeSignInRisk(country)).to.deep.equal(['A sign-in from a new location (Berlin, Germany)']);
  });

  it('explains impossible travel without speeds or thresholds', () => {
    const [reason] = describeSignInRisk(travel);
    expect(reason).to.equal('Travel that is not physically possible since your last sign-in');
    expect(reason).not.to.match(/\d/);
  });

  it('tells the user their password is breached', () => {
    expect(describeSignInRisk(leaked)).to.deep.equal([
      'Your password appears in a list of breached passwords',
    ]);
  });

  it('gives one reason per signal, in order, and nothing for a clean sign-in', () => {
    expect(describeSignInRisk([...travel, ...country, ...country])).to.have.length(2);
    expect(describeSignInRisk([])).to.deep.equal([]);
  });

  it('never reveals detector names or evidence for other types', () => {
    const spray: DetectionDraft = {
      type: 'passwordSpray',
      level: 'high',
      timing: 'offline',
      scope: 'user',
      reason: 'internal',
      evidence: { hmac: 'x' },
    };
    const [reason] = describeSignInRisk([spray]);
    expect(reason).to.equal('Unusual sign-in activity on your account');
  });

  it('falls back to a place-less sentence when the evidence has no location', () => {
    const bare: DetectionDraft = {
      type: 'newCountry',
      level: 'low',
      timing: 'realtime',
      scope: 'signIn',
      reason: 'x',
    };
    expect(describeSignInRisk([bare])).to.deep.equal(['A sign-in from a new location']);
  });
});
