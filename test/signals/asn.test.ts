import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsnDatabase, PREFIX_NETWORKS } from '../../src/signals/asn.js';
import { buildSignInContext } from '../../src/signals/context.js';
import { GeoIp } from '../../src/signals/geo.js';
import { buildMmdb, type MmdbRecord } from '../helpers/mmdbWriter.js';
import { IP, startRiskgate } from '../helpers/riskgate.js';
import { ConfigError, parseConfig } from '../../src/config/options.js';
import { configFromEnv } from '../../src/config/env.js';

/** A real mmdb in the GeoLite2-ASN record shape, written by the test helper (format 2.0). */
const NETWORKS = [
  { network: '81.2.69.0/24', as: 20712, org: 'Andrews & Arnold Ltd' },
  { network: '5.9.0.0/16', as: 24940, org: 'Hetzner Online GmbH' },
  // A more specific block inside the Hetzner /16 that belongs to someone else.
  { network: '5.9.128.0/20', as: 64500, org: 'Example Reassigned Block' },
  { network: '2a01:4f8::/32', as: 24940, org: 'Hetzner Online GmbH' },
  // A record without a number (what some files hold for unannounced space): no AS.
  { network: '198.51.100.0/24', as: null, org: 'Unannounced' },
];

function writeAsnFile(dir: string, name = 'asn.mmdb'): string {
  const file = path.join(dir, name);
  const networks = NETWORKS.map(({ network, as, org }): { network: string; record: MmdbRecord } => ({
    network,
    record:
      as === null
        ? { autonomous_system_organization: org }
        : { autonomous_system_number: as, autonomous_system_organization: org },
  }));
  writeFileSync(file, buildMmdb(networks, 'GeoLite2-ASN'));
  return file;
}

describe('ASN networks (a real mmdb file in the GeoLite2-ASN shape)', () => {
  let dir: string;
  let asn: AsnDatabase;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-asn-'));
    asn = await AsnDatabase.open(writeAsnFile(dir));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const lookups: { ip: string; as: number | null; org?: string }[] = [
    { ip: '81.2.69.142', as: 20712, org: 'Andrews & Arnold Ltd' },
    { ip: '81.2.69.1', as: 20712 },
    { ip: '::ffff:81.2.69.142', as: 20712 },
    { ip: '5.9.0.1', as: 24940, org: 'Hetzner Online GmbH' },
    { ip: '5.9.255.254', as: 24940 },
    { ip: '5.9.130.7', as: 64500, org: 'Example Reassigned Block' },
    { ip: '2a01:4f8:10a:1::2', as: 24940 },
    { ip: '2A01:04F8::1', as: 24940 },
    { ip: '198.51.100.7', as: null },
    { ip: '81.2.70.1', as: null },
    { ip: '10.0.0.1', as: null },
    { ip: '2001:db8::1', as: null },
    { ip: 'not-an-ip', as: null },
    { ip: '', as: null },
  ];
  for (const c of lookups) {
    it(`${c.ip || '(empty)'} is ${c.as === null ? 'in no AS' : `AS${c.as}`}`, () => {
      const found = asn.lookup(c.ip);
      if (c.as === null) expect(found).to.equal(null);
      else {
        expect(found?.number).to.equal(c.as);
        if (c.org) expect(found?.organization).to.equal(c.org);
      }
    });
  }

  it('names the network by AS, and falls back to the /24 or /48 prefix the file does not know', () => {
    expect(asn.networkOf('81.2.69.142')).to.equal('AS20712');
    expect(asn.networkOf('2a01:4f8:10a:1::2')).to.equal('AS24940');
    expect(asn.networkOf('81.2.70.1')).to.equal('81.2.70.0/24');
    expect(asn.networkOf('2001:db8:5:6::1')).to.equal('2001:db8:5::/48');
    expect(asn.networkOf('not-an-ip')).to.equal('unknown');
  });

  it('two addresses of one AS in different prefixes are the same network; without the file they differ', () => {
    expect(asn.networkOf('5.9.0.1')).to.equal(asn.networkOf('5.9.200.1'));
    expect(PREFIX_NETWORKS.networkOf('5.9.0.1')).not.to.equal(PREFIX_NETWORKS.networkOf('5.9.200.1'));
  });

  it('the sign-in context carries the AS as its network when GeoIp has the ASN database', () => {
    const input = { ip: '81.2.69.142', userAgent: '', deviceId: null, at: 0 };
    expect(buildSignInContext(input, GeoIp.empty().withNetworks(asn)).network).to.equal('AS20712');
    expect(buildSignInContext(input, GeoIp.empty()).network).to.equal('81.2.69.0/24');
  });

  it('reads an IPv4-only and an IPv6 file together, each answering its own family', async () => {
    const v4 = path.join(dir, 'v4.mmdb');
    writeFileSync(
      v4,
      buildMmdb(
        [
          {
            network: '81.2.69.0/24',
            record: { autonomous_system_number: 1, autonomous_system_organization: 'v4 file' },
          },
        ],
        'GeoLite2-ASN',
        4,
      ),
    );
    const both = await AsnDatabase.open([v4, writeAsnFile(dir, 'both.mmdb')]);
    expect(both.lookup('81.2.69.142')?.number).to.equal(1);
    expect(both.lookup('5.9.0.1')?.number).to.equal(24940);
    expect(both.lookup('2a01:4f8::1')?.number).to.equal(24940);
  });

  it('a missing file fails when opened, not on a sign-in', async () => {
    let failure: unknown;
    await AsnDatabase.open(path.join(dir, 'missing.mmdb')).catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error);
  });
});

describe('the asnDatabase option (RISKGATE_ASN_DATABASE)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'riskgate-asn-option-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the AS the network that sign-ins are stored and learned with', async () => {
    const rg = await startRiskgate({ asnDatabase: writeAsnFile(dir), jobs: { enabled: false } });
    try {
      const added = await rg.addUser('alice');
      const user = (await rg.riskgate.directory.findById(added.id))!;
      const evaluated = await rg.riskgate.engine.assessAuthenticated(user, {
        ip: IP.london,
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
        deviceId: null,
        password: added.password,
      });
      expect(evaluated.context.network).to.equal('AS20712');
      await rg.riskgate.engine.completeSignIn(evaluated, { mfaPassed: false });
      const familiar = await rg.riskgate.store.familiarity.familiarFeatures(added.id);
      expect(familiar.find((f) => f.feature === 'network')?.value).to.equal('AS20712');
      const [stored] = await rg.riskgate.store.signIns.recentSignIns(added.id, 1);
      expect(stored!.context.network).to.equal('AS20712');
    } finally {
      await rg.close();
    }
  });

  it('a file that does not exist stops start-up', async () => {
    let failure: unknown;
    await startRiskgate({ asnDatabase: path.join(dir, 'missing.mmdb') }).catch((e: unknown) => (failure = e));
    expect(failure).to.be.instanceOf(Error);
  });

  it('an empty path is refused by the option schema, naming the option', () => {
    expect(() => parseConfig({ asnDatabase: '' })).to.throw(ConfigError, /asnDatabase/);
    expect(parseConfig({ asnDatabase: ['a.mmdb', 'b.mmdb'] }).asnDatabase).to.deep.equal([
      'a.mmdb',
      'b.mmdb',
    ]);
  });

  it('RISKGATE_ASN_DATABASE sets it', () => {
    expect(
      parseConfig(configFromEnv({ RISKGATE_ASN_DATABASE: '/srv/asn.mmdb' }).options).asnDatabase,
    ).to.equal('/srv/asn.mmdb');
  });
});
