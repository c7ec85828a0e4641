/**
 * The last good sign-in as both SQL backends read it (signIns.lastSuccessfulSignIn, on every
 * sign-in): only the columns a PastSignIn needs, and one conversion. PostgreSQL gives bigint `at` as a
 * string (or a JSON number inside readForEvaluation), SQLite as a number.
 */
import type { PastSignIn } from '../domain/signIn.js';
import { geoFromColumns, type GeoColumns } from './geoColumns.js';

export const PAST_COLUMNS =
  'at, ip, network, country, city, latitude, longitude, accuracy_km, browser_family, device_id';

export interface PastRow extends GeoColumns {
  at: number | string;
  ip: string;
  network: string;
  browser_family: string | null;
  device_id: string | null;
}

export function toPast(row: PastRow): PastSignIn {
  return {
    at: Number(row.at),
    ip: row.ip,
    network: row.network,
    geo: geoFromColumns(row),
    browserFamily: row.browser_family,
    deviceId: row.device_id,
  };
}
