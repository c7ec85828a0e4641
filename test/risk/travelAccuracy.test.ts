import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildMmdb, type MmdbRecord } from '../helpers/mmdbWriter.js';
import { startRiskgate } from '../helpers/riskgate.js';

const HOUR = 3_600_000;
const UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';

/** A MaxMind-shaped city file: Berlin and New York, each with the given accuracy radius (km). */
function cityFile(dir: string, radiusKm: number): string {
  const place = (city: string, country: string, latitude: number, longitude: number): MmdbRecord => ({
    city: { names: { en: city } },
    country: { iso_code: country },
    location: { latitude, longitude, accuracy_radius: radiusKm },
  });
  const file = path.join(dir, `city-${radiusKm}.mmdb`);
  writeFileSync(
    file,
    buildMmdb(
      [
        { network: '5.9.0.0/16', record: place('Berlin', 'DE', 52.52, 13.405) },
        { network: '8.8.8.0/24', record: place('New York', 'US', 40.7128, -74.006) },
      ],
      'GeoLite2-City',
    ),
  );
  return file;
}

describe('impossible travel through the engine, with GeoIP accuracy radii', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-travel-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Berlin to New York is ~6,385 km: in 6 hours that is ~1,064 km/h, over the 900 km/h threshold.
  // With 500 km off each end it is 5,385 km, 897 km/h: possible. With only the new sign-in's radius
  // it would be 981 km/h, so the second case also shows the stored sign-in kept its radius.
  const cases = [
    { radiusKm: 1, flagged: true },
    { radiusKm: 500, flagged: false },
  ];
  for (const c of cases) {
    it(`Berlin then New York 6 h later, radius ${c.radiusKm} km on both: ${c.flagged ? 'impossible travel' : 'possible'}`, async () => {
      const file = cityFile(dir, c.radiusKm);
      const rg = await startRiskgate({ geo: { ipv4File: file, ipv6File: file }, jobs: { enabled: false } });
      try {
        const added = await rg.addUser('alice');
        const user = (await rg.riskgate.directory.findById(added.id))!;
        const attempt = (ip: string) => ({
          ip,
          userAgent: UA,
          deviceId: 'laptop-0001',
          password: added.password,
        });
        const home = await rg.riskgate.engine.assessAuthenticated(user, attempt('5.9.0.1'));
        expect(home.context.geo).to.include({ city: 'Berlin', accuracyKm: c.radiusKm });
        await rg.riskgate.engine.completeSignIn(home, { mfaPassed: false });
        rg.clock.advance(6 * HOUR);
        const away = await rg.riskgate.engine.assessAuthenticated(user, attempt('8.8.8.8'));
        const travel = away.drafts.filter((d) => d.type === 'impossibleTravel');
        expect(travel).to.have.length(c.flagged ? 1 : 0);
      } finally {
        await rg.close();
      }
    });
  }
});
