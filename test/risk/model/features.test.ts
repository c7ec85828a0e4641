import { expect } from 'chai';
import type { SignInContext } from '../../../src/domain/signIn.js';
import {
  FEATURE_PARENT,
  MODEL_FEATURES,
  modelFeaturesOf,
  type ModelFeature,
} from '../../../src/risk/model/features.js';

function contextWith(overrides: {
  ip?: string;
  network?: string;
  userAgent?: string;
  deviceId?: string | null;
}) {
  const context: SignInContext = {
    at: 0,
    ip: overrides.ip ?? '203.0.113.7',
    network: overrides.network ?? 'AS3320',
    geo: { country: 'DE', city: 'Berlin', latitude: 52.52, longitude: 13.405 },
    device: {
      userAgent: overrides.userAgent ?? 'Mozilla/5.0 (Windows NT 10.0) Chrome/120.0',
      browser: 'Chrome 120',
      browserFamily: 'Chrome',
      os: 'Windows 10',
      deviceType: 'desktop',
      deviceId: overrides.deviceId === undefined ? 'dev-1' : overrides.deviceId,
    },
  };
  return context;
}

describe('modelFeaturesOf', () => {
  it('maps a sign-in context to exactly the model features, browser with its major version', () => {
    const features = modelFeaturesOf(contextWith({}));
    expect(Object.keys(features)).to.have.members([...MODEL_FEATURES]);
    expect(features).to.deep.equal({
      ip: '203.0.113.7',
      network: 'AS3320',
      country: 'DE',
      ua: 'Mozilla/5.0 (Windows NT 10.0) Chrome/120.0',
      browser: 'Chrome 120',
      os: 'Windows 10',
      deviceType: 'desktop',
      device: 'dev-1',
    });
  });

  const unknowns: { name: string; overrides: Parameters<typeof contextWith>[0]; feature: ModelFeature }[] = [
    {
      name: 'a network networkOf() could not name is unknown',
      overrides: { network: 'unknown' },
      feature: 'network',
    },
    { name: 'an empty user-agent header is unknown', overrides: { userAgent: '' }, feature: 'ua' },
    {
      name: 'a browser without a device cookie has no device',
      overrides: { deviceId: null },
      feature: 'device',
    },
  ];
  for (const c of unknowns) {
    it(c.name, () => {
      expect(modelFeaturesOf(contextWith(c.overrides))[c.feature]).to.equal(null);
    });
  }
});

describe('FEATURE_PARENT', () => {
  const chain = (feature: keyof typeof FEATURE_PARENT) => {
    const levels: string[] = [feature];
    for (let p = FEATURE_PARENT[feature]; p !== undefined; p = FEATURE_PARENT[p]) levels.push(p);
    return levels;
  };

  it('backs an IP off to its network, then its country', () => {
    expect(chain('ip')).to.deep.equal(['ip', 'network', 'country']);
  });

  it('backs a user agent off to browser, operating system, then device type', () => {
    expect(chain('ua')).to.deep.equal(['ua', 'browser', 'os', 'deviceType']);
  });

  it('gives the device cookie no parent: an unseen cookie id says nothing about its neighbours', () => {
    expect(chain('device')).to.deep.equal(['device']);
  });
});
