/**
 * The "network" of an address: its autonomous system when an ASN database is configured, else its IP
 * prefix (networkOf: /24 IPv4, /48 IPv6). An ISP's or a mobile carrier's customers hop across many
 * prefixes of one AS, so the AS is the steadier familiarity feature; without a database the prefix
 * is the best stand-in. The database is an mmdb in the GeoLite2-ASN record shape
 * (`autonomous_system_number`, `autonomous_system_organization`), which ip-location-db's and
 * iptoasn-derived ASN mmdb files share. An address the database does not know falls back to its
 * prefix, so it still has a network.
 */
import { isIP } from 'node:net';
import maxmind, { type Reader, type Response } from 'maxmind';
import { networkOf, normalizeIp } from './network.js';

interface AsnRecord {
  autonomous_system_number?: number;
  autonomous_system_organization?: string;
}

export interface AutonomousSystem {
  number: number;
  organization: string | null;
}

/** How a sign-in's network is named: "AS3320" with a database, "192.0.2.0/24" without. */
export interface NetworkNamer {
  networkOf(ip: string): string;
}

export const PREFIX_NETWORKS: NetworkNamer = { networkOf };

export class AsnDatabase implements NetworkNamer {
  private constructor(private readonly readers: readonly Reader<Response>[]) {}

  /**
   * Opens one or more ASN mmdb files (one holding both families, or an IPv4 and an IPv6 file).
   * A missing or unreadable file fails here, at start-up, not on a sign-in.
   */
  static async open(files: string | readonly string[]): Promise<AsnDatabase> {
    const list = typeof files === 'string' ? [files] : files;
    const readers = await Promise.all(list.map((file) => maxmind.open<Response>(file)));
    return new AsnDatabase(readers);
  }

  /** The AS an address belongs to, or null (private, unrouted, unknown to the file, not an IP). */
  lookup(rawIp: string): AutonomousSystem | null {
    const ip = normalizeIp(rawIp);
    const version = isIP(ip);
    if (version === 0) return null;
    for (const reader of this.readers) {
      // An IPv4-only tree cannot answer IPv6 (the reader would walk it wrongly or throw).
      if (version === 6 && reader.metadata.ipVersion === 4) continue;
      let record: AsnRecord | null;
      try {
        record = reader.get(ip) as AsnRecord | null;
      } catch {
        continue; // a reader error on one odd address must not fail the sign-in
      }
      const number = record?.autonomous_system_number;
      if (typeof number === 'number' && Number.isInteger(number) && number > 0) {
        const organization = record!.autonomous_system_organization;
        return {
          number,
          organization: typeof organization === 'string' && organization !== '' ? organization : null,
        };
      }
    }
    return null;
  }

  /** "AS<number>", or the IP prefix when the database has no AS for the address. */
  networkOf(ip: string): string {
    const as = this.lookup(ip);
    return as ? `AS${as.number}` : networkOf(ip);
  }
}
