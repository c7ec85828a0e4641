import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GeoIp } from '../../src/signals/geo.js';
import { toLocation, type CityRecord } from '../../src/signals/geoRecord.js';
import { buildMmdb } from '../helpers/mmdbWriter.js';

describe('city records of either shape', () => {
  const cases: { name: string; record: CityRecord | null; expected: Record<string, unknown> }[] = [
    {
      name: 'DB-IP lite (flat, no radius)',
      record: { city: 'London', country_code: 'gb', latitude: 51.50853, longitude: -0.12574 },
      expected: { country: 'GB', city: 'London', latitude: 51.5085, longitude: -0.1257 },
    },
    {
      name: 'MaxMind GeoLite2-City (nested, with an accuracy radius)',
      record: {
        city: { names: { en: 'Berlin', de: 'Berlin' } },
        country: { iso_code: 'DE' },
        location: { latitude: 52.5244, longitude: 13.4105, accuracy_radius: 200 },
      },
      expected: { country: 'DE', city: 'Berlin', latitude: 52.5244, longitude: 13.4105, accuracyKm: 200 },
    },
    {
      name: 'MaxMind, country only (a radius of 1000 km and no city)',
      record: {
        country: { iso_code: 'US' },
        location: { latitude: 37.751, longitude: -97.822, accuracy_radius: 1000 },
      },
      expected: { country: 'US', city: null, latitude: 37.751, longitude: -97.822, accuracyKm: 1000 },
    },
    {
      name: 'a zero or negative radius is no radius',
      record: {
        country: { iso_code: 'FR' },
        location: { latitude: 48.8, longitude: 2.3, accuracy_radius: 0 },
      },
      expected: { country: 'FR', city: null, latitude: 48.8, longitude: 2.3 },
    },
    {
      name: '"ZZ" and blank names are unknown',
      record: { country_code: 'ZZ', city: '  ' },
      expected: { country: null, city: null, latitude: null, longitude: null },
    },
    {
      name: 'no record',
      record: null,
      expected: { country: null, city: null, latitude: null, longitude: null },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(toLocation(c.record)).to.deep.equal(c.expected);
    });
  }

  it('GeoIp reads a MaxMind-shaped city file and passes its accuracy radius on', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-city-'));
    try {
      const file = path.join(dir, 'city.mmdb');
      const record = {
        city: { names: { en: 'London' } },
        country: { iso_code: 'GB' },
        location: { latitude: 51.5142, longitude: -0.0931, accuracy_radius: 20 },
      };
      writeFileSync(
        file,
        buildMmdb(
          [
            { network: '81.2.69.0/24', record },
            { network: '2a02:8010::/32', record },
          ],
          'GeoLite2-City',
        ),
      );
      const geo = await GeoIp.open({ ipv4File: file, ipv6File: file });
      expect(geo.lookup('81.2.69.142')).to.deep.equal({
        country: 'GB',
        city: 'London',
        latitude: 51.5142,
        longitude: -0.0931,
        accuracyKm: 20,
      });
      expect(geo.lookup('2a02:8010::1').accuracyKm).to.equal(20);
      expect(geo.lookup('8.8.8.8').country).to.equal(null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
