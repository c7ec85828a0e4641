import { expect } from 'chai';
import type { ModelFeatures } from '../../../src/risk/model/features.js';
import { scoreSignIn } from '../../../src/risk/model/freeman.js';
import {
  alice,
  FIREFOX,
  IPHONE,
  NEW_DEVICE,
  OTHER_GERMAN_NETWORK,
  population,
  US_NETWORK,
  with_,
} from './world.js';

const explain = (changes: Partial<ModelFeatures>) =>
  scoreSignIn(with_(changes), alice(), population()).explanation;

describe('model explanation', () => {
  const cases: { name: string; changes: Partial<ModelFeatures>; expected: string }[] = [
    {
      name: 'a familiar sign-in names what is known, one word per hierarchy',
      changes: {},
      expected: 'known IP address, known browser, known device',
    },
    {
      name: 'a new IP in a known network names both',
      changes: { ip: '10.0.0.99' },
      expected: 'new IP address, known network, known browser, known device',
    },
    {
      name: 'a new network names the network, not the IP it implies, and the known country',
      changes: { ...NEW_DEVICE, ...OTHER_GERMAN_NETWORK },
      expected: 'new network, new device, known country, known browser',
    },
    {
      name: 'a new country says only that: the network and IP are new with it',
      changes: US_NETWORK,
      expected: 'new country, known browser, known device',
    },
    {
      name: 'a new browser names the operating system it runs on when that is known',
      changes: FIREFOX,
      expected: 'new browser, known IP address, known operating system, known device',
    },
    {
      name: 'a new kind of device',
      changes: { ...NEW_DEVICE, ...IPHONE },
      expected: 'new device type, new device, known IP address',
    },
    {
      name: 'a missing device cookie is said plainly',
      changes: { device: null },
      expected: 'no device cookie, known IP address, known browser',
    },
    {
      name: 'unknown values are left out',
      changes: { ip: null, network: null, country: null },
      expected: 'known browser, known device',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(explain(c.changes)).to.equal(c.expected);
    });
  }
});
