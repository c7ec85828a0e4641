import { expect } from 'chai';
import type { GeoLocation } from '../../src/domain/signIn.js';
import { GeoIp } from '../../src/signals/geo.js';

const NOWHERE: GeoLocation = { country: null, city: null, latitude: null, longitude: null };

describe('GeoIp (real DB-IP lite city databases)', () => {
  // The one shared fixture: a read-only database that is slow to load per test.
  let geo: GeoIp;
  before(async () => {
    geo = await GeoIp.open();
  });

  const countries: { ip: string; country: string; city?: string }[] = [
    { ip: '8.8.8.8', country: 'US' },
    { ip: '81.2.69.142', country: 'GB', city: 'London' },
    { ip: '5.9.0.1', country: 'DE' },
    { ip: '1.1.1.1', country: 'AU' },
    { ip: '133.242.0.1', country: 'JP' },
    { ip: '::ffff:81.2.69.142', country: 'GB', city: 'London' },
  ];
  for (const c of countries) {
    it(`${c.ip} is in ${c.country}${c.city ? ` (${c.city})` : ''} with coordinates`, () => {
      const location = geo.lookup(c.ip);
      expect(location.country).to.equal(c.country);
      if (c.city) expect(location.city).to.equal(c.city);
      expect(location.latitude).to.be.a('number').within(-90, 90);
      expect(location.longitude).to.be.a('number').within(-180, 180);
    });
  }

  const nowhere = [
    '10.0.0.1',
    '192.168.1.20',
    '127.0.0.1',
    '::1',
    'fe80::1',
    'not-an-ip',
    '',
    '999.1.1.1',
    '1.2.3',
    ':::',
  ];
  for (const ip of nowhere) {
    it(`"${ip}" (private, loopback or malformed) has no location and does not throw`, () => {
      expect(geo.lookup(ip)).to.deep.equal(NOWHERE);
    });
  }

  it('an IPv6 address (2a00:1450:4001::1) resolves a country from the lazily opened IPv6 database', () => {
    const location = geo.lookup('2a00:1450:4001::1');
    expect(location.country).to.match(/^[A-Z]{2}$/);
    expect(location.latitude).to.be.a('number');
  });

  it('GeoIp.empty() answers nothing for any address', () => {
    const empty = GeoIp.empty();
    expect(empty.lookup('8.8.8.8')).to.deep.equal(NOWHERE);
    expect(empty.lookup('2a00:1450:4001::1')).to.deep.equal(NOWHERE);
  });

  it('a missing database file fails at open, not on the first sign-in', async () => {
    let failure: unknown = null;
    await GeoIp.open({ ipv6File: '/nonexistent/ipv6.mmdb' }).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error);
  });
});
