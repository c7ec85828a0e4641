import { expect } from 'chai';
import { buildSignInContext } from '../../src/signals/context.js';
import { countryName } from '../../src/signals/countries.js';
import { GeoIp } from '../../src/signals/geo.js';

describe('buildSignInContext', () => {
  let geo: GeoIp;
  before(async () => {
    geo = await GeoIp.open();
  });

  it('combines the normalised IP, its network, its location and the parsed user agent', () => {
    const at = Date.UTC(2026, 0, 1);
    const context = buildSignInContext(
      {
        ip: '::ffff:81.2.69.142',
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
        deviceId: 'd1',
        at,
      },
      geo,
    );
    expect(context).to.deep.include({ at, ip: '81.2.69.142', network: '81.2.69.0/24' });
    expect(context.geo).to.include({ country: 'GB', city: 'London' });
    expect(context.device).to.include({ browser: 'Firefox 128', deviceId: 'd1' });
  });

  it('works with geo disabled', () => {
    const context = buildSignInContext(
      { ip: '8.8.8.8', userAgent: '', deviceId: null, at: 0 },
      GeoIp.empty(),
    );
    expect(context.geo).to.deep.equal({ country: null, city: null, latitude: null, longitude: null });
    expect(context.network).to.equal('8.8.8.0/24');
  });
});

describe('countryName', () => {
  const cases: [string, string][] = [
    ['DE', 'Germany'],
    ['gb', 'United Kingdom'],
    ['US', 'United States'],
    ['JP', 'Japan'],
    ['1', '1'],
  ];
  for (const [code, name] of cases) {
    it(`"${code}" is ${name}`, () => {
      expect(countryName(code)).to.equal(name);
    });
  }
});
