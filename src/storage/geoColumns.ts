/**
 * A sign-in's location as both SQL backends store it: one column per field. The accuracy radius is
 * optional in GeoLocation (most databases have none), so a NULL column leaves the key out and a
 * record without one reads back exactly as it was written.
 */
import type { GeoLocation } from '../domain/signIn.js';

export interface GeoColumns {
  country: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  accuracy_km: number | null;
}

export function geoFromColumns(row: GeoColumns): GeoLocation {
  const geo: GeoLocation = {
    country: row.country,
    city: row.city,
    latitude: row.latitude,
    longitude: row.longitude,
  };
  if (row.accuracy_km !== null && row.accuracy_km !== undefined) geo.accuracyKm = Number(row.accuracy_km);
  return geo;
}

export function accuracyColumn(geo: GeoLocation): number | null {
  const radius = geo.accuracyKm;
  return typeof radius === 'number' && Number.isFinite(radius) ? radius : null;
}
