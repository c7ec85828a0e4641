import { expect } from 'chai';
import type { DeviceInfo } from '../../src/domain/signIn.js';
import { MAX_USER_AGENT_LENGTH, parseUserAgent } from '../../src/signals/userAgent.js';

const UA = {
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.130 Safari/537.36',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1',
  ipad: 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
  curl: 'curl/8.5.0',
};

const cases: { name: string; ua: string; expected: Omit<DeviceInfo, 'userAgent' | 'deviceId'> }[] = [
  {
    name: 'desktop Chrome on Windows',
    ua: UA.chromeWindows,
    expected: { browser: 'Chrome 120', browserFamily: 'Chrome', os: 'Windows 10', deviceType: 'desktop' },
  },
  {
    name: 'Safari on a Mac (OS version cut to major.minor)',
    ua: UA.safariMac,
    expected: { browser: 'Safari 17', browserFamily: 'Safari', os: 'Mac OS 10.15', deviceType: 'desktop' },
  },
  {
    name: 'Safari on an iPhone is mobile',
    ua: UA.iphone,
    expected: {
      browser: 'Mobile Safari 17',
      browserFamily: 'Mobile Safari',
      os: 'iOS 17.1',
      deviceType: 'mobile',
    },
  },
  {
    name: 'Safari on an iPad is a tablet',
    ua: UA.ipad,
    expected: {
      browser: 'Mobile Safari 16',
      browserFamily: 'Mobile Safari',
      os: 'iOS 16.6',
      deviceType: 'tablet',
    },
  },
  {
    name: 'Firefox on Linux',
    ua: UA.firefoxLinux,
    expected: { browser: 'Firefox 128', browserFamily: 'Firefox', os: 'Linux', deviceType: 'desktop' },
  },
  {
    name: 'an empty user agent is unknown, not a desktop',
    ua: '',
    expected: { browser: null, browserFamily: null, os: null, deviceType: 'other' },
  },
  {
    name: 'a script (curl) is not a desktop browser',
    ua: UA.curl,
    expected: { browser: null, browserFamily: null, os: null, deviceType: 'other' },
  },
];

describe('parseUserAgent', () => {
  for (const c of cases) {
    it(c.name, () => {
      const info = parseUserAgent(c.ua, 'dev-1');
      expect(info).to.deep.equal({ ...c.expected, userAgent: c.ua, deviceId: 'dev-1' });
    });
  }

  it(`keeps at most ${MAX_USER_AGENT_LENGTH} characters of a huge header`, () => {
    const info = parseUserAgent(UA.chromeWindows + ' x'.repeat(5000), null);
    expect(info.userAgent).to.have.length(MAX_USER_AGENT_LENGTH);
    expect(info.browserFamily).to.equal('Chrome');
    expect(info.deviceId).to.equal(null);
  });

  it('the same string parsed again (from the cache) gives the same answer with its own device id', () => {
    const first = parseUserAgent(UA.chromeWindows, 'dev-1');
    const second = parseUserAgent(UA.chromeWindows, 'dev-2');
    const third = parseUserAgent(UA.chromeWindows, null);
    expect(second).to.deep.equal({ ...first, deviceId: 'dev-2' });
    expect(third.deviceId).to.equal(null);
    // Each answer is its own object: a caller changing one cannot change the next.
    (second as { browser: string | null }).browser = 'changed';
    expect(parseUserAgent(UA.chromeWindows, 'dev-1')).to.deep.equal(first);
  });
});
